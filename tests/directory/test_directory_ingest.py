"""Directory ingest: golden files for CSV / JSON / XLSX, mappings, encodings, and an invariant under fuzzing."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procure_match.errors import IngestReport, InputFileError
from procure_match.ingest.directory import load_directory
from procure_match.reference.postcodes import PostcodeLookup
from procure_match.settings import Settings, settings_from_dict

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "directory"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def fixture_settings(**directory) -> Settings:
    return settings_from_dict(
        {"ingest": {"postcode_file": str(FIX / "postcodes.csv")}, "directory": directory},
    )


def snapshot(enterprises, report: IngestReport) -> dict:
    """A path-independent, JSON-ready view of an ingest result."""

    def ent(e):
        d = asdict(e)
        d["source_file"] = Path(d["source_file"]).name
        return d

    rep = report.to_dict()
    rep["files"] = [Path(f).name for f in rep["files"]]
    for p in rep["problems"]:
        p["file"] = Path(p["file"]).name
    rep["counts"] = dict(sorted(rep["counts"].items()))
    return {"enterprises": [ent(e) for e in enterprises], "report": rep}


def check_golden(name: str, got: dict) -> None:
    path = FIX / name
    text = json.dumps(got, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"golden file {path.name} missing: run with UPDATE_GOLDEN=1 once and review it"
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(text)


def test_messy_csv_matches_golden():
    ents, rep = load_directory(FIX / "messy.csv", fixture_settings())
    check_golden("messy.golden.json", snapshot(ents, rep))


def test_messy_csv_behaviour():
    ents, rep = load_directory(FIX / "messy.csv", fixture_settings())
    by_name = {e.name: e for e in ents}
    khr = by_name["Kings Heath Retrofit CIC"]
    assert khr.id == "GB-COH-01234567"
    assert khr.legal_form == "community interest company" and khr.legal_form_raw == "C.I.C."
    assert khr.turnover == 1_200_000
    assert khr.postcode == "B12 9QD" and khr.location_precision == "postcode"
    assert khr.sic_codes == ("01110",)
    assert khr.cpv_codes == ("45000000", "45453000")
    assert khr.sectors == ("Construction", "Retrofit")
    assert khr.certifications == ("CHAS", "Constructionline")
    assert khr.description == "Insulation, damp repair and retrofit of homes"
    assert by_name["Digbeth Print Co-operative"].registration_ids == ("GB-MPR-30005R",)
    assert by_name["Edinburgh Care Trust"].registration_ids == ("GB-SC-SC012345",)
    assert by_name["Edinburgh Care Trust"].turnover == 35_000  # midpoint of £20k-£50k
    assert by_name["Ladywood Landscapes"].legal_form is None  # "Company" is ambiguous
    assert by_name["Ladywood Landscapes"].location_precision == "district"
    assert by_name["Moseley Food Hub"].latitude is None  # unknown postcode: never (0, 0)
    # Accounting: every record read is kept or skipped exactly once.
    assert rep.records_read == 9 and rep.records_kept == 6 and rep.skipped == 3
    assert rep.records_read == rep.records_kept + rep.skipped
    assert rep.counts["column:turnover=Annual Turnover (£)"] == 1
    assert rep.counts["column:postcode=Post Code"] == 1
    problems = {p.problem for p in rep.problems}
    assert "exact duplicate of line 3" in problems
    assert any("already used by line 3" in p for p in problems)
    assert "no organisation name" in problems


def test_json_matches_golden():
    ents, rep = load_directory(FIX / "directory.json", fixture_settings())
    check_golden("directory.golden.json", snapshot(ents, rep))
    assert [e.id for e in ents] == ["BSE-001", "BSE-002", "BSE-003"]
    assert ents[0].registration_ids == ("GB-COH-09876543",)  # JSON int lost its leading zero
    assert ents[0].contact.email == "hello@scb.example"
    assert ents[1].registration_ids == ("GB-MPR-1234R", "GB-NIC-100002")  # BT postcode -> NI charity
    assert (ents[1].latitude, ents[1].longitude) == (54.62, -5.95)  # swapped back, reported
    assert rep.records_read == 4 and rep.skipped == 1


def test_json_list_at_top_level(tmp_path):
    path = tmp_path / "d.json"
    path.write_text(json.dumps([{"Organisation Name": "A Co-op", "Post code": "B1 1BB"}]), encoding="utf-8")
    ents, _ = load_directory(path, fixture_settings())
    assert ents[0].name == "A Co-op" and ents[0].location_precision == "postcode"


def write_xlsx(path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active.append(["This sheet is not the directory"])
    ws = wb.create_sheet("Members")
    ws.append(["Org Name", "Postcode", "Company Number", "SIC Code", "Turnover", "Legal form"])
    ws.append(["Sparkbrook Solar CIC", "B12 8LU", 1234567, 1110, 250000, "CIC"])
    ws.append(["Aston Allotments Society", "B1 1BB", None, "01300", "£40k", "IPS"])
    wb.save(path)


def test_xlsx_named_sheet_matches_golden(tmp_path):
    path = tmp_path / "members.xlsx"
    write_xlsx(path)
    ents, rep = load_directory(path, fixture_settings(sheet="Members"))
    check_golden("members_xlsx.golden.json", snapshot(ents, rep))
    assert ents[0].registration_ids == ("GB-COH-01234567",)
    assert ents[0].sic_codes == ("01110",)
    assert ents[0].turnover == 250_000
    assert ents[1].legal_form == "co-operative society"


def test_xlsx_missing_sheet_is_a_clear_error(tmp_path):
    path = tmp_path / "members.xlsx"
    write_xlsx(path)
    with pytest.raises(InputFileError, match="no sheet named 'Nope'") as info:
        load_directory(path, fixture_settings(sheet="Nope"))
    assert "directory.sheet" in info.value.fix


def test_explicit_mapping(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Org,Where,Money,Notes\nFrankley Fixers,B1 1BB,£75k,roofs\n", encoding="utf-8")
    settings = fixture_settings(columns={"name": "Org", "postcode": "Where", "turnover": "Money"})
    ents, rep = load_directory(path, settings)
    assert (ents[0].name, ents[0].postcode, ents[0].turnover) == ("Frankley Fixers", "B1 1BB", 75_000)
    assert rep.counts["column:name=Org"] == 1


def test_mapping_to_missing_header_names_the_fix(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Org,Where\nA,B1 1BB\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="not a header of this file") as info:
        load_directory(path, fixture_settings(columns={"name": "Organisation"}))
    assert "directory.columns.name" in info.value.fix


def test_no_name_column_is_a_clear_error(tmp_path):
    path = tmp_path / "nonames.csv"
    path.write_text("Colour,Size\nred,3\n", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        load_directory(path, fixture_settings())
    assert "directory.columns.name" in info.value.fix
    assert str(path) in str(info.value)


def test_missing_file_and_xls(tmp_path):
    with pytest.raises(InputFileError, match="not found"):
        load_directory(tmp_path / "nope.csv", Settings())
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputFileError, match="not supported"):
        load_directory(tmp_path / "old.xls", Settings())


def test_cp1252_and_bom(tmp_path):
    cp = tmp_path / "cp.csv"
    cp.write_bytes("Name,Postcode\nCafé Síochána – Co-op,B1 1BB\n".encode("cp1252"))
    ents, rep = load_directory(cp, fixture_settings())
    assert ents[0].name == "Café Síochána – Co-op"
    assert rep.counts["directory:encoding=cp1252"] == 1
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufeffName;Postcode\nBOM Builders;B1 1BB\n".encode())
    ents, rep = load_directory(bom, fixture_settings())
    assert ents[0].name == "BOM Builders" and rep.counts["directory:encoding=utf-8-sig"] == 1


def test_inactive_rows_are_reported_and_optional(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("Name,Status\nLive One,Live\nGone One,Dissolved\n", encoding="utf-8")
    lookup = PostcodeLookup()
    ents, rep = load_directory(path, Settings(), postcodes=lookup)
    assert [e.name for e in ents] == ["Live One"]
    assert any("inactive" in p.problem and p.severity == "skipped" for p in rep.problems)
    keep_all = settings_from_dict({"directory": {"skip_inactive": False}})
    ents, _ = load_directory(path, keep_all, postcodes=lookup)
    assert len(ents) == 2


def test_slug_id_is_stable_and_report_is_shared(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("Name,Postcode\nAcme Builders C.I.C.,B12 9QD\n", encoding="utf-8")
    report = IngestReport()
    ents, same = load_directory(path, fixture_settings(), report)
    assert same is report
    assert ents[0].id == "acme-builders-cic-b129qd"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.text(alphabet=st.sampled_from(list('abN,;"\n\r\t£-0129 BQD.émx')), max_size=300),
    header=st.sampled_from(["Name,Postcode,Turnover,SIC\n", "Organisation,Post Code\n", ""]),
)
def test_ingest_never_raises_on_arbitrary_csv(tmp_path, text, header):
    path = tmp_path / "fuzz.csv"
    path.write_text(header + text, encoding="utf-8")
    try:
        ents, rep = load_directory(path, Settings(), postcodes=PostcodeLookup())
    except InputFileError:
        return  # a clear whole-file error is allowed (e.g. no name column)
    assert rep.records_read == rep.records_kept + rep.skipped
    assert len(ents) == rep.records_kept
    assert len({e.id for e in ents}) == len(ents)
    assert all(e.latitude is None for e in ents)  # nothing invented without a postcode lookup


def test_no_postcode_data_is_said_plainly(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("Name,Postcode\nAlpha CIC,B1 1BB\n")
    ents, rep = load_directory(path, Settings(), postcodes=PostcodeLookup())
    assert ents[0].latitude is None
    assert rep.problems[0].problem == "no postcode data to look the postcode up in"
    assert "postcodez" in rep.problems[0].fix


def test_ni_company_number_without_prefix(tmp_path):
    path = tmp_path / "ni.csv"
    path.write_text("Name,Postcode,Company number,Charity number\nSestina Music,BT14 7PJ,621437,100067\n")
    ents, rep = load_directory(path, fixture_settings())
    assert ents[0].registration_ids == ("GB-COH-NI621437", "GB-NIC-100067")
    assert any("NI prefix" in p.problem for p in rep.problems)


def test_org_id_in_the_id_column_is_a_registration_id(tmp_path):
    path = tmp_path / "ids.csv"
    path.write_text("id,name\nGB-COH-1234567,Alpha CIC\nGB-SC-SC012345,Beta Trust\nR0001,Gamma Co-op\n")
    ents, _ = load_directory(path, Settings(), postcodes=PostcodeLookup())
    assert [e.id for e in ents] == ["GB-COH-1234567", "GB-SC-SC012345", "R0001"]  # the file's id is kept
    assert [e.registration_ids for e in ents] == [("GB-COH-01234567",), ("GB-SC-SC012345",), ()]


def test_empty_json_list_is_not_an_error(tmp_path):
    path = tmp_path / "empty.json"
    path.write_text('{"enterprises": []}')
    ents, rep = load_directory(path, Settings(), postcodes=PostcodeLookup())
    assert ents == [] and rep.records_read == 0 and rep.files == [str(path)]
