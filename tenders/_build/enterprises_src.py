# ruff: noqa: E501  (hand-written data tables: one record per line reads best)
"""Hand-written entries of the demo directory (fictional, illustrative).

Each entry: id, name, legal form, Companies House no., Mutuals Register no., charity no.,
description, sectors, CPV codes, SIC codes, postcode, turnover (GBP), employees,
certifications, consortia (short keys, see CONSORTIA), max contract value (GBP or None), web slug.
Postcodes are real postcode units (checked against the postcodez data); everything else is invented.
"""

CONSORTIA = {
    "BE": "Built Environment Consortium",
    "SA": "Summerfield Alliance",
    "TO": "Tourism Consortium",
    "FO": "Food Consortium",
    "HE": "Health Consortium",
    "RE": "Retail Consortium",
}

CIC = "Community Interest Company"
COOP = "Co-operative Society"
CBS = "Community Benefit Society"
CLG = "Company Limited by Guarantee"
CIO = "Charitable Incorporated Organisation"

# fmt: off
ENTRIES = [
    # --- horticulture and plant growing ---
    ("se-001", "Winson Green Growing Co-operative", COOP, "", "IP31244R", "",
     "We are a growers' co-operative of twelve members running a two-acre plant nursery on former allotment land in "
     "Winson Green. We raise perennials, bedding plants and wildflower plugs in peat-free compost, plant and maintain "
     "community gardens across Summerfield and Ladywood, and offer paid placements to local residents who want to "
     "start a career in horticulture.",
     "horticulture and plant growing;landscaping", "03451000;77310000;03121100", "01300;81300", "B18 5SP",
     185000, 9, "CHAS;Living Wage Employer", "SA;BE", 150000, "winsongreengrowing"),
    ("se-002", "Handsworth Park Seedlings CIC", CIC, "11234567", "", "",
     "We grow plants from seed in three glasshouses beside Handsworth Park and sell them to schools, councils and "
     "garden centres. Our growers are refugees and asylum seekers learning English and horticultural skills at the "
     "same time. We can supply up to 40,000 bedding plants a season and install floral displays for events.",
     "horticulture and plant growing", "03451000;03121100;77310000", "01300", "B21 9BX",
     96000, 5, "Social Enterprise Mark", "BE", 60000, "handsworthseedlings"),
    ("se-003", "Cole Valley Landscapes CIC", CIC, "10876543", "", "",
     "We are a landscaping and grounds maintenance social enterprise in Stechford employing people recovering from "
     "addiction. Our crews of four to six cut grass, prune shrubs, plant trees and hedges, lay turf and build raised "
     "beds for housing associations, schools and construction sites that need soft landscaping finished to spec.",
     "horticulture and plant growing;landscaping;grounds maintenance", "77310000;77314000;45112710;77313000",
     "81300", "B33 9HH", 640000, 24, "CHAS;Constructionline;SafeContractor;Living Wage Employer", "BE", 500000,
     "colevalleylandscapes"),
    ("se-004", "Stirchley Forest Garden", CBS, "", "7612", "",
     "We are a community benefit society owned by 300 local members. We manage a forest garden and market garden in "
     "Stirchley, grow salad and soft fruit for local cafes, and run food-growing sessions for schools and families. "
     "We design and build edible landscapes and food-growing beds for new housing developments.",
     "horticulture and plant growing;food growing", "03221000;77310000;45112710", "01130;01190", "B30 2TE",
     72000, 4, "Social Enterprise Mark", "FO", None, "stirchleyforestgarden"),
    ("se-005", "Sandwell Blooms Ltd", CLG, "08765432", "", "1150321",
     "We are the trading arm of a West Bromwich learning-disability charity. Our horticultural therapy project grows "
     "cut flowers, hanging baskets and planters, and our supported teams maintain floral displays for town centres, "
     "offices and events. Every sale pays for day opportunities for adults with learning disabilities.",
     "horticulture and plant growing;floral displays", "03121100;03451000;77310000", "01190;01300", "B70 9LT",
     230000, 11, "Living Wage Employer", "", None, "sandwellblooms"),
    ("se-006", "Kings Norton Tree Nursery CIC", CIC, "12345098", "", "",
     "We grow native trees and hedging from locally collected seed at a small nursery in Kings Norton. We supply and "
     "plant street trees, hedgerows and woodland edges for councils, developers and schools, with volunteers from the "
     "neighbourhood and a two-year aftercare guarantee on every tree we plant.",
     "horticulture and plant growing;tree planting", "03451000;77211400;77310000", "02100;01300", "B38 9NY",
     150000, 6, "CHAS", "BE", 120000, "kingsnortontrees"),
    # --- catering and batch cooking ---
    ("se-007", "Lozells Kitchen CIC", CIC, "11456789", "", "",
     "We are a community kitchen in Lozells run by women chefs from Somali, Yemeni and Eritrean backgrounds. We "
     "batch-cook halal meals for community lunches, funerals and conferences, cater buffets for up to 250 people and "
     "train women for jobs in professional kitchens. Our kitchen holds a Food Hygiene Rating of 5.",
     "catering and batch cooking", "55520000;55321000;55322000", "56210;56290", "B19 2NR",
     168000, 8, "Food Hygiene Rating 5;Living Wage Employer", "FO", 80000, "lozellskitchen"),
    ("se-008", "Ladywood Batch Kitchen CIC", CIC, "10234876", "", "",
     "We batch-cook nutritious, affordable meals in our Ladywood kitchen and deliver them chilled or frozen to older "
     "and housebound people across Summerfield, Ladywood and Edgbaston. We prepare about 900 meals a week, cater for "
     "cultural and dietary needs and check on every customer when we deliver.",
     "catering and batch cooking;older people's support", "55321000;55521100;15894200", "10850;56290", "B16 8QN",
     310000, 14, "Food Hygiene Rating 5;Social Enterprise Mark", "FO;SA", 250000, "ladywoodbatchkitchen"),
    ("se-009", "Bordesley Event Caterers Co-operative", COOP, "", "IP30987R", "",
     "We are a worker co-operative of 28 chefs and front-of-house staff in Bordesley. We cater events from 50 to "
     "2,000 covers, run hospitality at sports grounds and provide hot food for construction site welfare cabins. We "
     "buy from local growers and hold a Food Hygiene Rating of 5 at our central production kitchen.",
     "catering and batch cooking;event catering", "55520000;55521200;55320000", "56210", "B9 5HF",
     1650000, 38, "Food Hygiene Rating 5;ISO 9001;Living Wage Employer;SafeContractor", "FO;BE", 900000,
     "bordesleycaterers"),
    ("se-010", "Small Heath Community Cafe CIC", CIC, "09654321", "", "",
     "We run a community cafe on Coventry Road and a small outside catering service for meetings, training days and "
     "community events of up to 80 people. Our cafe is a warm space where local people volunteer, gain food hygiene "
     "qualifications and move into paid work.",
     "catering and batch cooking", "55520000;55330000", "56102", "B10 0QA",
     88000, 6, "Food Hygiene Rating 5", "FO", None, "smallheathcafe"),
    ("se-011", "Site Canteen Social Enterprise Ltd", CLG, "07345678", "", "1132456",
     "We are the trading arm of a Birmingham homelessness charity. We run staff canteens and mobile welfare catering "
     "units on large construction sites, serving breakfast and hot lunches to workforces of up to 1,500, and we "
     "employ people moving on from homelessness in every canteen we operate.",
     "catering and batch cooking;welfare catering", "55520000;55510000;55512000", "56290;56210", "B7 4ER",
     2400000, 56, "Food Hygiene Rating 5;CHAS;SafeContractor;ISO 9001;Living Wage Employer", "BE;FO", 1500000,
     "sitecanteen"),
    # --- vegan food ---
    ("se-012", "Digbeth Plant Kitchen CIC", CIC, "12098765", "", "",
     "We cook vegan street food from a converted shipping container in Digbeth and two catering trailers that trade "
     "at festivals, fan zones and markets. We can serve 1,500 plant-based meals a day at outdoor events and we "
     "compost or recycle all our packaging.",
     "vegan food;event catering", "55520000;55300000;55330000", "56103;56210", "B5 6UE",
     260000, 12, "Food Hygiene Rating 5", "FO;TO", 150000, "digbethplantkitchen"),
    ("se-013", "Green Lentil Co-operative", COOP, "", "8023", "",
     "We are a worker co-operative of six cooks making vegan and vegetarian buffets, lunch boxes and wedding menus "
     "in Moseley. We cater for offices, universities and community events, label every allergen and deliver by "
     "cargo bike within five miles.",
     "vegan food;catering and batch cooking", "55520000;55321000", "56210", "B13 9HT",
     140000, 6, "Food Hygiene Rating 5;Living Wage Employer", "FO", 50000, "greenlentil"),
    ("se-014", "Oat and Ember Vegan Bakery CIC", CIC, "11987654", "", "",
     "We bake vegan bread, pastries and celebration cakes in Stirchley and supply cafes, shops and caterers across "
     "south Birmingham. Our bakery trains young people leaving care as bakers, and we run a shop counter with "
     "refillable bread bags.",
     "vegan food;bakery", "15810000;15812000", "10710;47240", "B30 3AU",
     210000, 9, "Food Hygiene Rating 5;Social Enterprise Mark", "FO;RE", None, "oatandember"),
    ("se-015", "Sparkbrook Vegan Dhaba CIC", CIC, "12567890", "", "",
     "We serve plant-based South Asian food from our dhaba in Sparkbrook and cater community festivals, melas and "
     "iftars for up to 600 people. We run cooking classes on healthy eating for people living with diabetes.",
     "vegan food;catering and batch cooking", "55520000;55300000", "56102;56210", "B11 4RN",
     120000, 7, "Food Hygiene Rating 5", "FO", None, "sparkbrookdhaba"),
    # --- food hubs ---
    ("se-016", "Aston Food Hub", CBS, "", "IP32011R", "",
     "We are a community-owned food hub in Aston. We collect surplus food from supermarkets and wholesalers, run a "
     "membership pantry for 400 households, and distribute fresh food parcels to schools and family centres in "
     "north Birmingham from our chilled warehouse and two refrigerated vans.",
     "food hubs;food redistribution", "15000000;85320000;55520000", "46390;88990", "B6 6HX",
     380000, 10, "Food Hygiene Rating 5", "FO", 200000, "astonfoodhub"),
    ("se-017", "Summerfield Community Pantry CIC", CIC, "12876501", "", "",
     "We run a community pantry and food hub from a former church hall in Summerfield. Members pay a small weekly "
     "fee for a basket of groceries; we also cook community meals twice a week and refer people to debt and "
     "benefits advice.",
     "food hubs;catering and batch cooking", "15000000;85320000", "47110;88990", "B18 7DB",
     95000, 4, "Food Hygiene Rating 5", "SA;FO", None, "summerfieldpantry"),
    ("se-018", "Castle Vale Food Network", CIO, "", "", "1187654",
     "We are a charitable incorporated organisation that coordinates the food hub, holiday activities and food "
     "programme and cooking clubs on the Castle Vale estate. We deliver 12,000 holiday meals a year with local "
     "schools and run a community fridge.",
     "food hubs;holiday activities and food", "85320000;55524000;15000000", "88990", "B35 7DP",
     290000, 9, "Food Hygiene Rating 5", "FO;HE", 150000, "castlevalefood"),
    ("se-019", "Chelmsley Wood Food Share CIC", CIC, "11765430", "", "",
     "We share surplus food in Chelmsley Wood and north Solihull through a pantry, a weekly fresh market and a "
     "delivery round for people who cannot get out. We run holiday food clubs with sports activities in the school "
     "holidays.",
     "food hubs", "15000000;85320000", "88990;47110", "B37 7JB",
     110000, 5, "", "FO", None, "chelmsleyfoodshare"),
    ("se-020", "West Bromwich Surplus Food Co-operative", COOP, "", "8245", "",
     "We are a consumer co-operative that turns surplus food into affordable groceries for 250 member households in "
     "West Bromwich. We also supply surplus fruit and vegetables to breakfast clubs in local primary schools, and run a weekly community cafe.",
     "food hubs", "15000000;15300000", "47110", "B70 9PG",
     64000, 3, "", "", None, "wbsurplusfood"),
    # --- cleaning co-operatives ---
    ("se-021", "Lozells Cleaning Co-operative Ltd", COOP, "", "IP31567R", "",
     "We are a worker co-operative of eight cleaners based in Lozells. We clean offices, community centres, "
     "churches and mosques, and do builders' cleans and sparkle cleans before handover. Every member owns an equal "
     "share, earns the real Living Wage and uses eco-certified products.",
     "cleaning co-operatives;cleaning", "90910000;90911200;90919200", "81210", "B19 2SA",
     210000, 8, "SafeContractor;Living Wage Employer", "BE", 80000, "lozellscleaning"),
    ("se-022", "Ladywood Clean Team CIC", CIC, "10345987", "", "",
     "We clean communal areas of housing blocks, community buildings and construction welfare cabins in Ladywood, "
     "Summerfield and Winson Green. Our cleaners live locally, most were long-term unemployed before joining us, "
     "and we work evenings and weekends when needed.",
     "cleaning co-operatives;cleaning", "90911200;90910000;90911000", "81210;81229", "B16 8TA",
     340000, 18, "CHAS;Living Wage Employer", "SA;BE", 150000, "ladywoodcleanteam"),
    ("se-023", "Brightwork Cleaning Co-operative", COOP, "", "IP30412R", "",
     "We are a worker co-operative of 60 cleaners, mostly women, based in Sparkbrook. We hold contracts for "
     "non-clinical cleaning in health centres, offices and schools, run our own training and supervision, and are "
     "accredited to ISO 9001. We can mobilise a new site of up to 40 staff in four weeks.",
     "cleaning co-operatives;cleaning", "90910000;90911200;90919200;90919300", "81210;81222", "B11 3LX",
     1900000, 64, "ISO 9001;CHAS;SafeContractor;Living Wage Employer;Cyber Essentials", "BE;HE", 1200000,
     "brightworkcleaning"),
    ("se-024", "Nechells Eco Cleaning CIC", CIC, "11098234", "", "",
     "We do builders' cleans, deep cleans and end-of-tenancy cleans with plant-based products and microfibre, "
     "without bleach. Our team of eleven in Nechells works for housing associations, contractors and letting "
     "agents, and we recruit through local job clubs.",
     "cleaning co-operatives;cleaning", "90911200;90910000;90911000", "81210;81229", "B7 5NF",
     280000, 11, "CHAS;SafeContractor", "BE", 120000, "nechellsecoclean"),
    ("se-025", "Erdington Window and Facade Cleaning CIC", CIC, "12234098", "", "",
     "We clean windows, glazing and facades up to four storeys with water-fed poles, and clear gutters, for shops, "
     "schools and blocks of flats in north Birmingham. We employ young people leaving the justice system.",
     "cleaning", "90911300;90910000", "81229", "B23 7NR",
     95000, 5, "SafeContractor", "", None, "erdingtonwindows"),
    ("se-026", "Walsall Community Cleaners CIC", CIC, "08123456", "", "",
     "We are one of the largest cleaning social enterprises in the Black Country, with 140 staff cleaning schools, "
     "offices, leisure centres and new-build housing sites across Walsall, Sandwell and Birmingham. We hold ISO 9001 "
     "and ISO 14001 and reinvest our surplus in employment support for disabled people.",
     "cleaning co-operatives;cleaning", "90910000;90911200;90919300", "81210", "WS1 4LJ",
     2100000, 140, "ISO 9001;ISO 14001;CHAS;Constructionline;Living Wage Employer", "BE", 1500000,
     "walsallcommunitycleaners"),
    # --- handyman and repairs ---
    ("se-027", "Summerfield Handyperson Service CIC", CIC, "10987012", "", "",
     "We are a handyperson and small repairs service for tenants and homeowners in Summerfield, Winson Green and "
     "Ladywood. Our five tradespeople fix doors, locks, taps, shelves and grab rails, do small decorating jobs and "
     "clear gutters; older and disabled residents pay what they can.",
     "handyman and repairs", "50700000;45453000;45421000", "43390;43999", "B18 6HF",
     160000, 7, "CHAS;Living Wage Employer", "SA;BE", 100000, "summerfieldhandyperson"),
    ("se-028", "Fix-It Erdington CIC", CIC, "11346789", "", "",
     "We carry out minor repairs and home adaptations for older people in Erdington and Castle Vale: grab rails, "
     "key safes, lever taps, trip hazards and small plumbing jobs, so people can stay safe at home after a hospital "
     "stay. We are approved by the NHS hospital discharge team.",
     "handyman and repairs;older people's support", "50700000;45453000;85311100", "43390;88100", "B24 9NT",
     140000, 6, "CHAS;SafeContractor", "BE;HE", 80000, "fixiterdington"),
    ("se-029", "Tyseley Repair Collective", COOP, "", "7855", "",
     "We are a worker co-operative of fourteen joiners, painters, plasterers and plumbers in Tyseley. We take on "
     "void property repairs, snagging, decorating and planned maintenance for housing associations and "
     "contractors, and train two apprentices every year.",
     "handyman and repairs;construction trades", "45453000;45421000;45442100;50700000", "43320;43341;43390",
     "B11 3RG", 720000, 16, "CHAS;Constructionline;SafeContractor;Living Wage Employer", "BE", 400000,
     "tyseleyrepair"),
    ("se-030", "Smethwick Home Safe CIC", CIC, "12456012", "", "",
     "We fit handrails, smoke alarms and bath boards and fix trip hazards in the homes of older people in Smethwick "
     "and west Birmingham, and our caseworkers do a falls-prevention check at every visit. We also run a tool library.",
     "handyman and repairs;older people's support", "50700000;45453000;85311100", "43390;88100", "B66 4DP",
     130000, 5, "CHAS", "HE;SA", None, "smethwickhomesafe"),
    ("se-031", "Northfield Trades Academy CIC", CIC, "10456321", "", "",
     "We are a construction training social enterprise in Northfield. Our trainees and supervisors carry out "
     "repairs, decorating and small refurbishment jobs for schools, churches and housing providers while they earn "
     "CSCS cards and NVQs; 70 per cent move into site jobs.",
     "handyman and repairs;construction skills and labour", "45453000;80530000;45442100", "43390;85320",
     "B31 5LR", 480000, 15, "CHAS;Constructionline", "BE", 250000, "northfieldtrades"),
    # --- upcycling and recycled products ---
    ("se-032", "Hockley Reclaim CIC", CIC, "11567234", "", "",
     "We collect unwanted furniture from house clearances, offices and hotels, restore and upcycle it in our "
     "Hockley workshop and sell it at low prices. We furnish homes for people leaving homelessness and can supply "
     "refurbished office and lounge furniture in volume.",
     "upcycling and recycled products;furniture reuse", "39100000;50850000;90514000", "95240;47799", "B18 6BS",
     420000, 15, "Social Enterprise Mark", "RE;SA", 150000, "hockleyreclaim"),
    ("se-033", "Second Stitch Textiles CIC", CIC, "12678345", "", "",
     "We are a sewing social enterprise in Balsall Heath where refugee and migrant women turn donated and end-of-"
     "line textiles into bags, aprons and homeware. We upcycle uniforms and event banners and make small runs of "
     "branded workwear.",
     "upcycling and recycled products;textiles", "18000000;18110000;39500000", "13921;14190", "B12 9NQ",
     85000, 7, "Social Enterprise Mark", "RE", 30000, "secondstitch"),
    ("se-034", "Tame Valley Furniture Reuse Ltd", CLG, "06987123", "", "1117890",
     "We are the trading arm of an environmental charity and run the largest furniture reuse operation in the West "
     "Midlands: bulky waste collections, house clearances, two reuse shops and a workshop that repairs white goods "
     "and furniture. We divert 1,800 tonnes from landfill a year and work under council waste contracts.",
     "upcycling and recycled products;furniture reuse;waste", "90514000;39100000;90511000;50850000",
     "38320;47799;95240", "B36 9HL", 3200000, 72, "ISO 9001;ISO 14001;Social Enterprise Mark;Living Wage Employer",
     "RE;BE", 800000, "tamevalleyreuse"),
    ("se-035", "Pallet and Plank Co-operative", COOP, "", "8311", "",
     "We are a worker co-operative making planters, benches, bin stores and signage from reclaimed timber and "
     "pallets in Bordesley. We design and build outdoor furniture for parks, schools and public spaces, and take "
     "site hoarding timber back after projects finish.",
     "upcycling and recycled products;outdoor furniture", "39100000;39290000;44210000", "16290;31090", "B9 5PD",
     150000, 6, "CHAS", "RE;BE", 60000, "palletandplank"),
    ("se-036", "Re-Tech Birmingham CIC", CIC, "11789456", "", "",
     "We refurbish donated laptops and phones, wipe data securely and give or sell them at low cost to people who "
     "are digitally excluded. We collect retired IT equipment from organisations and issue data-destruction "
     "certificates.",
     "upcycling and recycled products;digital inclusion", "30213000;50320000;90514000", "95110;38320", "B7 5JD",
     190000, 8, "Cyber Essentials", "RE", None, "retechbirmingham"),
    # --- zero-waste retail ---
    ("se-037", "The Refill Shop Kings Heath CIC", CIC, "12789012", "", "",
     "We run a zero-waste shop on the high street in Kings Heath selling dry goods, cleaning products and toiletries "
     "by weight into customers' own containers. We run pop-up refill stalls at festivals and workplaces.",
     "zero-waste retail", "15000000;39830000;33700000", "47190;47290", "B14 5BA",
     115000, 4, "", "RE", None, "refillkingsheath"),
    ("se-038", "Jar and Scoop Co-operative", COOP, "", "8402", "",
     "We are a consumer co-operative running a packaging-free grocery in Selly Oak and a mobile refill van that "
     "visits estates without a local shop. We stock local and organic food and sell plastic-free gifts from local "
     "makers.",
     "zero-waste retail;food hubs", "15000000;39830000", "47110;47290", "B29 7JR",
     180000, 6, "", "RE;FO", None, "jarandscoop"),
    ("se-039", "Moseley Unpackaged", CBS, "", "8520", "",
     "We are a community benefit society owned by 420 members running a zero-waste shop and a repair cafe in "
     "Moseley. We sell refills, second-hand books and locally made gifts and run workshops on reducing household waste.",
     "zero-waste retail;repair cafe", "15000000;39830000;18530000", "47190;47799", "B13 9EP",
     98000, 3, "", "RE", None, "moseleyunpackaged"),
    ("se-040", "Wolverhampton Zero Waste Market CIC", CIC, "12901234", "", "",
     "We run a weekly zero-waste market and a refill shop in Wolverhampton city centre with stalls for local "
     "makers and growers. We can run plastic-free market stalls and sustainable merchandise kiosks at events.",
     "zero-waste retail;markets", "15000000;18530000;79952000", "47890;47190", "WV2 4AQ",
     76000, 3, "", "RE", None, "wolvzerowaste"),
    # --- ceramics and arts co-operatives ---
    ("se-041", "Jewellery Quarter Clay Co-operative", COOP, "", "7988", "",
     "We are a co-operative of nine potters sharing a studio and kiln in the Jewellery Quarter. We take commissions "
     "for commemorative pieces, awards and tableware, run pottery classes and sell through our own shop, and we "
     "have made limited editions of up to 2,000 pieces.",
     "ceramics and arts co-operatives", "92310000;39298900;18530000", "23410;90030", "B18 6LP",
     120000, 9, "", "RE;TO", 50000, "jqclay"),
    ("se-042", "Balsall Heath Arts Collective CIC", CIC, "10567234", "", "",
     "We are artists living in Balsall Heath who make murals, lantern parades and community art with local people. "
     "We deliver public art for regeneration schemes, paint hoardings on construction sites with residents and run "
     "creative workshops in schools.",
     "ceramics and arts co-operatives;community arts", "92310000;92312000;79952100", "90030;90010", "B12 9LB",
     160000, 6, "", "TO", 80000, "balsallheatharts"),
    ("se-043", "Digbeth Print and Pottery Co-operative", COOP, "", "8109", "",
     "We are a makers' co-operative in Digbeth with a screen-print studio and a pottery. We print posters, tote "
     "bags and T-shirts on recycled stock and make ceramic souvenirs; we supply shops, galleries and events with "
     "locally made merchandise.",
     "ceramics and arts co-operatives;printing", "92310000;18530000;79800000", "23410;18129", "B5 7DA",
     140000, 7, "", "RE;TO", None, "digbethprintpottery"),
    ("se-044", "Firing Line Ceramics CIC", CIC, "11678901", "", "",
     "We run ceramics courses for people recovering from mental ill health in Smethwick, referred by GPs and "
     "community mental health teams. Our participants make tiles and tableware that we sell through shops and "
     "commissions.",
     "ceramics and arts co-operatives;mental health support", "92310000;85312300;85323000", "23410;88990",
     "B66 3TA", 70000, 4, "", "HE;RE", None, "firinglineceramics"),
    ("se-045", "Dudley Canal Arts CIC", CIC, "12011234", "", "",
     "We make heritage-inspired public art, sculpture and trails along the canals of the Black Country, working with "
     "local schools and community groups. We design interpretation panels and commission local artists.",
     "ceramics and arts co-operatives;heritage interpretation", "92310000;92312000;92520000", "90030", "DY1 4LS",
     90000, 3, "", "TO", None, "dudleycanalarts"),
    # --- city and heritage walking tours ---
    ("se-046", "Brum Heritage Walks CIC", CIC, "11890123", "", "",
     "We run guided walking tours of Birmingham city centre, its canals, industrial heritage and Victorian civic "
     "buildings. Our twelve guides are local people trained as Blue Badge style guides, and we run tours for "
     "schools, conference delegates and visitors every day of the week.",
     "city and heritage walking tours", "63510000;63513000;92520000", "79901", "B3 2LP",
     130000, 6, "Visit England Quality Assured", "TO", 60000, "brumheritagewalks"),
    ("se-047", "Jewellery Quarter Footsteps CIC", CIC, "12123098", "", "",
     "We lead heritage walks around the Jewellery Quarter, its workshops, cemeteries and museum, with guides who "
     "grew up in the trade. We run private tours for groups of up to 30 and family trails in the school holidays.",
     "city and heritage walking tours", "63510000;63513000", "79901", "B18 6QZ",
     60000, 3, "Visit England Quality Assured", "TO", None, "jqfootsteps"),
    ("se-048", "Hidden Handsworth Tours CIC", CIC, "12345876", "", "",
     "We are residents of Handsworth and Lozells who give walking tours of our neighbourhood's gurdwaras, "
     "mosques, Caribbean heritage and street art, in English, Punjabi and Urdu. Tour fees pay for youth heritage "
     "projects.",
     "city and heritage walking tours", "63510000;63513000;92520000", "79901;94990", "B21 9EQ",
     45000, 3, "", "TO", None, "hiddenhandsworth"),
    ("se-049", "Canals and Chimneys Heritage Walks Co-operative", COOP, "", "8633", "",
     "We are a co-operative of six guides offering walking and cycling tours along the canals and industrial "
     "heritage of east Birmingham and the Black Country, and accessible tours for people with limited mobility.",
     "city and heritage walking tours", "63510000;63513000", "79901", "B7 5PY",
     52000, 6, "", "TO", None, "canalsandchimneys"),
    # --- boat tours ---
    ("se-050", "Gas Street Narrowboat Trips CIC", CIC, "10678345", "", "",
     "We run narrowboat trips from the city centre canals, with two 48-seat boats, a commentary on canal heritage "
     "and private hire for events and corporate hospitality. Our crews are local apprentices.",
     "boat tours", "60600000;60653000;63510000", "50300;79901", "B1 2RX",
     240000, 9, "Visit England Quality Assured;Boat Safety Scheme", "TO", 120000, "gasstreetboats"),
    ("se-051", "Tame and Rea Canal Boat Trust Ltd", CLG, "05987612", "", "1098765",
     "We are the trading arm of a charity that runs accessible canal boat trips for disabled people, older people "
     "and schools. Our three wheelchair-accessible boats with lifts sail from Aston and can be hired with crew for "
     "tours and events.",
     "boat tours;older people's support", "60653000;60600000;85311100", "50300;88100", "B6 7DP",
     175000, 8, "Boat Safety Scheme;Visit England Quality Assured", "TO;HE", 60000, "tameandreaboats"),
    ("se-052", "Black Country Boat Tours CIC", CIC, "11901345", "", "",
     "We run canal boat tours and tunnel trips from Tipton with a heritage commentary, and school trips about the "
     "Industrial Revolution. We can take private charters of up to 40 guests with catering, and our boats are crewed by volunteers and apprentices from Tipton.",
     "boat tours", "60600000;63510000", "50300", "DY4 8TD",
     110000, 5, "Boat Safety Scheme", "TO", None, "blackcountryboats"),
    # --- health and wellbeing coaching ---
    ("se-053", "Well Together Coaching CIC", CIC, "11012567", "", "",
     "We are health coaches and link workers in Handsworth Wood who support people living with diabetes, heart "
     "disease and long-term pain to set their own goals. We work in Punjabi, Urdu, Bengali and English and are "
     "commissioned by GP practices.",
     "health and wellbeing coaching", "85100000;85323000;85312300", "86900;88990", "B20 3PX",
     260000, 11, "Cyber Essentials;Living Wage Employer", "HE", 200000, "welltogether"),
    ("se-054", "Moving Minds Wellbeing CIC", CIC, "12234567", "", "",
     "We deliver wellbeing coaching, walking groups and mindfulness courses in Kings Heath and south Birmingham, "
     "and take social prescribing referrals from primary care networks. Our coaches are trained in motivational interviewing and many have lived experience of anxiety and depression.",
     "health and wellbeing coaching;mental health support", "85323000;85312300;92600000", "86900;93199",
     "B14 5HF", 150000, 7, "", "HE", None, "movingminds"),
    ("se-055", "Solihull Health Champions CIC", CIC, "10789012", "", "",
     "We train local people as health champions who run stop-smoking, weight management and blood pressure "
     "sessions in community venues and workplaces across Solihull and east Birmingham. We reach people who rarely see a GP, especially men in manual jobs and people who speak little English.",
     "health and wellbeing coaching", "85100000;85323000;80500000", "86900", "B91 3YX",
     330000, 13, "Cyber Essentials", "HE", 250000, "solihullhealthchampions"),
    ("se-056", "Active Heartlands", CIO, "", "", "1176543",
     "We are a charitable incorporated organisation in Washwood Heath that runs health walks, chair-based exercise "
     "and wellbeing coaching for people with long-term conditions, working with the community health trust. Our coaches speak Urdu, Punjabi and Pashto.",
     "health and wellbeing coaching;sport and fitness clubs", "85323000;92600000", "93199;86900", "B8 3BY",
     190000, 8, "", "HE", None, "activeheartlands"),
    # --- older people's support ---
    ("se-057", "Friendly Doorstep Befriending", CIO, "", "", "1165432",
     "We are a befriending charity in Erdington. Our 140 volunteers visit and phone isolated older people every "
     "week, and our coordinators run lunch clubs and help people get online. We have DBS-checked every volunteer.",
     "older people's support;befriending", "85311100;85312000;85320000", "88100", "B23 7QB",
     210000, 7, "", "HE", 150000, "friendlydoorstep"),
    ("se-058", "Golden Years Summerfield CIC", CIC, "11123789", "", "",
     "We run a lunch club, a befriending service and trips out for older residents of Summerfield and Winson Green, "
     "many of them from Caribbean and South Asian communities, and help people with forms and appointments.",
     "older people's support;befriending", "85311100;85312000", "88100", "B18 4EL",
     80000, 4, "Food Hygiene Rating 5", "SA;HE", None, "goldenyearssummerfield"),
    ("se-059", "Silver Connect Digital Inclusion CIC", CIC, "12567123", "", "",
     "We help older people in Acocks Green, Hall Green and Yardley use tablets and phones to stay in touch, shop "
     "and see their GP online, through home visits, drop-in sessions and a telephone befriending line.",
     "older people's support;digital inclusion", "85311100;80500000", "88100;85590", "B27 7HB",
     95000, 5, "Cyber Essentials", "HE", None, "silverconnect"),
    ("se-060", "Sandwell Elders Companionship Ltd", CLG, "07654312", "", "1145678",
     "We are a charity company providing befriending, home from hospital support and a community transport minibus "
     "for older people in Oldbury and Smethwick. Our staff and 60 volunteers speak Punjabi, Gujarati and Polish as well as English, and we work closely with hospital discharge teams.",
     "older people's support", "85311100;85312000;60130000", "88100", "B69 4LE",
     260000, 12, "", "HE", None, "sandwellelders"),
    # --- mental health support ---
    ("se-061", "Open Door Peer Support CIC", CIC, "10890567", "", "",
     "We are people with lived experience of mental ill health who run peer support groups, a crisis cafe and "
     "one-to-one recovery coaching in Balsall Heath and Sparkhill, commissioned by the mental health trust.",
     "mental health support;peer support", "85323000;85312300;85121270", "88990;86900", "B12 9RS",
     350000, 15, "Cyber Essentials", "HE", 250000, "opendoorpeer"),
    ("se-062", "Mind the Gap Mens Wellbeing CIC", CIC, "12789345", "", "",
     "We run men's sheds, football-based wellbeing groups and suicide prevention training in Stechford and east "
     "Birmingham, reaching men who would not go to a GP about their mental health. Our groups meet in football clubs and barbers' shops.",
     "mental health support;sport and fitness clubs", "85323000;85312300;92600000", "88990;93199", "B33 9JS",
     110000, 5, "", "HE", None, "mindthegapmen"),
    ("se-063", "Calm Waters Counselling Co-operative", COOP, "", "8756", "",
     "We are a co-operative of 18 accredited counsellors and psychotherapists in Edgbaston offering short-term "
     "counselling, trauma therapy and employee assistance, in eleven languages, for the NHS, universities and "
     "employers. All sessions can be held online or face to face.",
     "mental health support;counselling", "85121270;85312300", "86900", "B15 2NR",
     420000, 18, "Cyber Essentials", "HE", 300000, "calmwaters"),
    ("se-064", "Harbour Youth Mental Health", CIO, "", "", "1189012",
     "We are a Walsall charity offering mental health support to young people aged 11 to 25: drop-ins, online "
     "chat, counselling and sport-based wellbeing sessions. Our youth workers and counsellors meet young people where they are: schools, parks and online.",
     "mental health support;youth", "85312300;85323000", "88990", "WS2 9BY",
     240000, 10, "", "HE", None, "harbouryouth"),
    # --- dyslexia assessment ---
    ("se-065", "Dyslexia Assessment Co-operative Midlands", COOP, "", "8877", "",
     "We are a co-operative of nine specialist assessors and psychologists in Harborne. We carry out diagnostic "
     "dyslexia and dyspraxia assessments for adults and children, write reports accepted for Disabled Students' "
     "Allowance and train employers in reasonable adjustments.",
     "dyslexia assessment", "80340000;85121270;80500000", "85590;86900", "B17 9DY",
     180000, 9, "SpLD Assessment Practising Certificate;Cyber Essentials", "", 100000, "dyslexiacoop"),
    ("se-066", "ReadWrite Dyslexia Support CIC", CIC, "11234890", "", "",
     "We screen and assess adults for dyslexia in Shirley and across Solihull and Birmingham, coach adult learners "
     "and jobseekers, and provide assistive technology training. Our assessors hold practising certificates and we offer evening appointments for people in work.",
     "dyslexia assessment;adult learning", "80340000;80500000", "85590", "B90 4QG",
     70000, 4, "SpLD Assessment Practising Certificate", "", None, "readwritedyslexia"),
    # --- women's support ---
    ("se-067", "Sister Space Birmingham CIC", CIC, "10901678", "", "",
     "We are a women-led organisation in Sparkbrook offering domestic abuse outreach, advocacy and support groups "
     "in Urdu, Punjabi, Bengali, Arabic and English, and a safe drop-in space with a creche.",
     "women's support;domestic abuse", "85312400;85320000;85312300", "88990", "B11 3JB",
     290000, 12, "Cyber Essentials", "HE", 200000, "sisterspace"),
    ("se-068", "Women Rising Summerfield CIC", CIC, "12890456", "", "",
     "We help women in Summerfield, Winson Green and Ladywood into work through confidence courses, childcare "
     "support, volunteering placements and a women's business club. Our coaches are women from the neighbourhood who have been through the programme themselves.",
     "women's support;employment support", "85312400;80500000;79620000", "88990;85590", "B18 7HS",
     110000, 5, "", "SA;HE", 80000, "womenrisingsummerfield"),
    ("se-069", "Amani Womens Centre", CIO, "", "", "1172345",
     "We support refugee and migrant women in Lozells and Handsworth with English classes, immigration advice "
     "referrals, a peer support group and a sewing cooperative, in twelve languages. Our centre has a creche and a community kitchen.",
     "women's support;refugee support", "85312400;85320000", "88990", "B19 3QY",
     150000, 6, "", "HE", None, "amaniwomens"),
    # --- sport and fitness clubs ---
    ("se-070", "Perry Barr Athletics and Fitness Club CIC", CIC, "11345012", "", "",
     "We are an athletics club with 500 members at Perry Park, coaching children, adults and para-athletes, and we "
     "run free community running sessions and school sport festivals. Our coaches are volunteers from the neighbourhood.",
     "sport and fitness clubs", "92600000;92620000;80000000", "93120;93199", "B42 2QB",
     180000, 6, "", "HE", None, "perrybarrathletics"),
    ("se-071", "Ladywood Boxing and Fitness CIC", CIC, "10123678", "", "",
     "We run a boxing gym and fitness classes for young people and adults in Ladywood, with mentoring for young "
     "people at risk of exclusion or exploitation. Our coaches are qualified and DBS checked, and sessions are free for young people on free school meals.",
     "sport and fitness clubs;youth", "92600000;92610000", "93130;93120", "B16 9DG",
     120000, 6, "", "SA;HE", None, "ladywoodboxing"),
    ("se-072", "Cycle Birmingham Community Co-operative", COOP, "", "8999", "",
     "We are a co-operative running led bike rides, cycle training, a bike repair workshop and adapted bikes for "
     "disabled riders from our hub in Bordesley. We refurbish donated bikes for people who need them.",
     "sport and fitness clubs;cycling", "92600000;80000000;34430000", "93199;95290", "B9 5LX",
     210000, 9, "", "HE;TO", 100000, "cyclebirmingham"),
    ("se-073", "Handsworth Netball and Community Sport CIC", CIC, "12456789", "", "",
     "We run netball, walking netball and multi-sport sessions for girls and women in Handsworth and Perry Barr, "
     "and train local coaches. We run sessions after school and at weekends in school halls and parks, provide kit for girls who cannot afford it, and take referrals from youth workers.",
     "sport and fitness clubs", "92600000;92620000", "93120", "B21 9NE",
     65000, 3, "", "", None, "handsworthnetball"),
    ("se-074", "Swim Smethwick CIC", CIC, "11456012", "", "",
     "We teach swimming to children and adults in Smethwick and Sandwell, run women-only and family sessions, and "
     "train local people as swimming teachers and lifeguards. We hire pool time from schools and leisure centres.",
     "sport and fitness clubs;swimming", "92600000;80000000", "93199;85510", "B67 7JQ",
     140000, 10, "", "HE", None, "swimsmethwick"),
    # --- events management ---
    ("se-075", "Festival Makers Co-operative", COOP, "", "8145", "",
     "We are a worker co-operative of event producers, stage managers and stewards in Digbeth. We plan and run "
     "festivals, community celebrations and sporting events for up to 20,000 people, including licensing, safety "
     "plans, stewarding and volunteer briefing.",
     "events management", "79952000;79952100;79956000", "82301;82302;90020", "B5 7JG",
     780000, 14, "SafeContractor;Living Wage Employer", "TO", 400000, "festivalmakers"),
    ("se-076", "Brum Together Events CIC", CIC, "11567890", "", "",
     "We organise neighbourhood festivals, street parties and community celebrations with residents in Ladywood, "
     "Summerfield and Aston, and coordinate local volunteers to steward them. We know the streets, the faith groups and the community centres, and we reach residents who never hear about city-wide events.",
     "events management;volunteer coordination", "79952000;79952100;98133000", "82302;94990", "B4 6HJ",
     130000, 5, "", "TO;SA", None, "brumtogether"),
    ("se-077", "Volunteer Ready Birmingham CIC", CIC, "12678901", "", "",
     "We recruit, train and coordinate volunteers for events, hospitals and community organisations, and manage "
     "volunteer programmes of up to 5,000 people with our own scheduling system. Our volunteers get training certificates and references that help them into paid work.",
     "volunteer coordination;events management", "79620000;98133000;79952000", "78109;94990", "B3 1QU",
     240000, 9, "Cyber Essentials", "TO", 200000, "volunteerready"),
    # --- shared workspace ---
    ("se-078", "Floodgate Street Workspace CIC", CIC, "10345123", "", "",
     "We run affordable shared workspace, desks and maker studios for 60 social entrepreneurs and creative "
     "businesses in Digbeth, with a programme of business support and meeting rooms for hire. Members can book workshops on bidding for contracts.",
     "shared workspace;business support", "70220000;79411100;70130000", "68209;82110", "B5 7NB",
     260000, 5, "", "", None, "floodgateworkspace"),
    ("se-079", "Summerfield Enterprise Hub", CBS, "", "8288", "",
     "We are a community-owned enterprise hub in a refurbished factory in Winson Green offering shared workspace, a "
     "community kitchen for start-up food businesses and business advice for local residents. Local people get first call on every desk.",
     "shared workspace;business support", "70220000;79411100", "68209;82110", "B18 7DX",
     150000, 4, "", "SA", None, "summerfieldhub"),
    ("se-080", "Erdington Makers Space CIC", CIC, "12901567", "", "",
     "We run a makerspace with wood and metal workshops, laser cutters and co-working desks on Erdington high "
     "street, with courses for young people. Members share tools and skills, and we take commissions for small batches of signage and displays.",
     "shared workspace", "70220000;80500000", "68209", "B23 7RP",
     70000, 3, "", "", None, "erdingtonmakers"),
    # --- community research ---
    ("se-081", "Neighbourhood Voices Research Co-operative", COOP, "", "8467", "",
     "We are a co-operative of community researchers and evaluators in Selly Oak. We train residents to carry out "
     "surveys and interviews in their own neighbourhoods, and we evaluate social value and regeneration programmes "
     "for councils and funders.",
     "community research;evaluation", "79315000;79311000;73210000", "72200;73200", "B29 7HA",
     160000, 7, "Cyber Essentials", "", 100000, "neighbourhoodvoices"),
    ("se-082", "Peer Research Collective CIC", CIC, "11789012", "", "",
     "We train and pay people with lived experience of homelessness, mental ill health and the care system as peer "
     "researchers, and run research and service user consultations for the NHS and councils.",
     "community research;peer research", "79315000;79311000", "72200;73200", "B12 0YE",
     120000, 6, "Cyber Essentials", "HE", None, "peerresearch"),
    ("se-083", "Open Data Brum CIC", CIC, "12011987", "", "",
     "We analyse public data, map need by neighbourhood and build dashboards for charities and councils, and we "
     "run resident surveys and data training for community groups. We publish all our methods openly and train volunteers to use open data.",
     "community research;data analysis", "79311000;79315000;72316000", "72200;62090", "B3 3PN",
     90000, 4, "Cyber Essentials", "", None, "opendatabrum"),
    # --- built environment services ---
    ("se-084", "Guardian Site Security CIC", CIC, "08234567", "", "",
     "We provide manned guarding, CCTV monitoring, gatehouse and traffic marshalling for construction sites and "
     "events across the West Midlands. We are an SIA Approved Contractor and recruit and train ex-service personnel "
     "and people leaving prison.",
     "site security;security", "79710000;79713000;79714000", "80100", "B6 6QB",
     4500000, 160, "SIA Approved Contractor;ISO 9001;CHAS;Constructionline;SafeContractor", "BE", 1500000,
     "guardiansitesecurity"),
    ("se-085", "ScaffoldUp Training CIC", CIC, "09123456", "", "",
     "We erect and hire scaffolding for construction, refurbishment and events, and run a scaffolding academy in "
     "Oldbury that trains unemployed young people to CISRS standards. We own 400 tonnes of tube and fittings.",
     "scaffolding;construction skills and labour", "45262100;44212310;80530000", "43991;85320", "B69 4PJ",
     2800000, 48, "CHAS;Constructionline;SafeContractor;ISO 9001", "BE", 1000000, "scaffoldup"),
    ("se-086", "Build Brum Skills Co-operative", COOP, "", "8190", "",
     "We are a construction labour co-operative and employment and skills broker. We recruit and prepare local "
     "unemployed people for site jobs, supply labourers and traffic marshals, and meet contractors' local labour "
     "targets.",
     "construction skills and labour", "79620000;80530000;79610000", "78109;78200", "B7 4AX",
     890000, 25, "CHAS;Constructionline", "BE", 500000, "buildbrumskills"),
    ("se-087", "Community Engagement Works CIC", CIC, "11890567", "", "",
     "We run public consultation, resident engagement and community liaison for regeneration, transport and "
     "construction projects: drop-in events, newsletters, door-knocking in community languages and complaints "
     "handling. Our team lives in the neighbourhoods where we work and we report engagement results in plain English.",
     "community engagement;community research", "79416000;79311000;79342200", "73200;70210", "B3 1TR",
     230000, 8, "Cyber Essentials", "BE;SA", 150000, "engagementworks"),
    ("se-088", "Coventry Site Services CIC", CIC, "10123098", "", "",
     "We supply site cleaning, welfare cabin cleaning and traffic marshals to construction projects in Coventry "
     "and Warwickshire, employing people with convictions. We can mobilise crews of up to 20 people within two weeks.",
     "cleaning;site services", "90911200;90910000;79713000", "81210;80100", "CV1 5HA",
     620000, 30, "CHAS;SafeContractor", "BE", 300000, "coventrysiteservices"),
]
# fmt: on
