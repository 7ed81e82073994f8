"""Offline postcode geocoding: full postcode centroids, with district centroids as a fallback.

Sources, in order of preference:

1. ``settings.ingest.postcode_file``: an ONS-style CSV with postcode, latitude and longitude
   columns (``pcds``/``pcd``/``postcode``, ``lat``/``latitude``, ``long``/``longitude``);
2. otherwise the ``ukpostcodes.csv`` shipped inside the ``postcodez`` package (~1.7M postcodes).
   The package is located with ``importlib.util.find_spec`` and never imported: its
   ``__init__`` reads a relative path and fails at import.

Rows with coordinates outside the UK (postcodez has placeholders such as 99.999999, 0) are left
out and counted. District centroids are the mean of each district's postcodes; districts the
postcode file lacks are filled from ``settings.ingest.district_file`` (doogal-style CSV with
Postcode, Latitude, Longitude) when given.

The first build parses the CSV once (a few seconds) and saves sorted numpy arrays under
``user_data_dir()/reference``, keyed by the source's path, size and modification time; later
loads read those arrays in well under a second.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from procure_match.errors import InputFileError
from procure_match.reference.geo import UK_LAT, UK_LON, normalise_postcode
from procure_match.settings import Settings, user_data_dir

CACHE_VERSION = 1
_PC_NAMES = ("pcds", "postcode", "pcd", "pcd7", "pcd8", "post code", "postcode_clean")
_LAT_NAMES = ("latitude", "lat")
_LON_NAMES = ("longitude", "long", "lon", "lng")
_DISTRICT_NAMES = ("postcode", "district", "postcode district", "outward code", "outcode")


@dataclass
class PostcodeLookup:
    """Sorted arrays of compact postcodes ("B129QD") and districts ("B12") with float32 centroids."""

    postcodes: np.ndarray = field(default_factory=lambda: np.array([], dtype="S7"))
    lat: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.float32))
    lon: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.float32))
    districts: np.ndarray = field(default_factory=lambda: np.array([], dtype="S4"))
    district_lat: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.float32))
    district_lon: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.float32))
    source: str = ""  # human description of where the data came from
    stats: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.postcodes)

    @staticmethod
    def _find(keys: np.ndarray, key: bytes) -> int | None:
        if len(keys) == 0:
            return None
        i = int(np.searchsorted(keys, key))
        return i if i < len(keys) and keys[i] == key else None

    def locate(self, postcode: str) -> tuple[float, float, str] | None:
        """(lat, lon, precision) for a postcode or district; precision is "postcode" or "district".

        Coordinates are stored as float32 and returned rounded to 5 decimals (about 1 m).

        A full postcode not in the data falls back to its district centroid. None when neither
        is known (never (0, 0)).
        """
        norm = normalise_postcode(postcode)
        if norm is None:
            return None
        outward, _, inward = norm.partition(" ")
        if inward:
            i = self._find(self.postcodes, (outward + inward).encode("ascii"))
            if i is not None:
                return round(float(self.lat[i]), 5), round(float(self.lon[i]), 5), "postcode"
        j = self._find(self.districts, outward.encode("ascii"))
        if j is not None:
            return round(float(self.district_lat[j]), 5), round(float(self.district_lon[j]), 5), "district"
        return None


def postcodez_file() -> Path | None:
    """Path of ``ukpostcodes.csv`` inside the installed postcodez package, without importing it."""
    try:
        spec = importlib.util.find_spec("postcodez")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "ukpostcodes.csv"
    return path if path.is_file() else None


def _pick(header: list[str], names: tuple[str, ...]) -> str | None:
    lowered = {h.strip().lower(): h for h in header}
    return next((lowered[n] for n in names if n in lowered), None)


def _read_header(path: Path) -> list[str]:
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
            return next(csv.reader(fh), [])
    except OSError as exc:
        raise InputFileError(f"cannot read postcode file ({exc})", path=path, fix="check ingest.postcode_file") from exc


def _valid_uk(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    ok = np.isfinite(lat) & np.isfinite(lon)
    ok &= (lat >= UK_LAT[0]) & (lat <= UK_LAT[1]) & (lon >= UK_LON[0]) & (lon <= UK_LON[1])
    return ok


def build_lookup_arrays(path: str | Path) -> dict[str, np.ndarray]:
    """Parse a postcode CSV into sorted arrays (the cache payload). Pure apart from reading ``path``."""
    p = Path(path)
    header = _read_header(p)
    pc_col, lat_col, lon_col = _pick(header, _PC_NAMES), _pick(header, _LAT_NAMES), _pick(header, _LON_NAMES)
    if not (pc_col and lat_col and lon_col):
        raise InputFileError(
            f"postcode file needs postcode, latitude and longitude columns; found {header[:12]}",
            path=p,
            fix="give an ONS-style CSV with pcds/postcode, lat/latitude and long/longitude columns",
        )
    df = pd.read_csv(
        p, usecols=[pc_col, lat_col, lon_col], dtype={pc_col: str}, encoding="utf-8-sig", encoding_errors="replace"
    )
    compact = df[pc_col].fillna("").str.replace(r"\s+", "", regex=True).str.upper()
    lat = pd.to_numeric(df[lat_col], errors="coerce").to_numpy(dtype=np.float64)
    lon = pd.to_numeric(df[lon_col], errors="coerce").to_numpy(dtype=np.float64)
    shape_ok = compact.str.fullmatch(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}").to_numpy(dtype=bool)
    coords_ok = _valid_uk(lat, lon)
    keep = shape_ok & coords_ok
    keys = compact[keep].to_numpy(dtype="S7")
    klat, klon = lat[keep], lon[keep]
    order = np.argsort(keys, kind="stable")
    keys, klat, klon = keys[order], klat[order], klon[order]
    keys, first = np.unique(keys, return_index=True)
    klat, klon = klat[first], klon[first]
    # District centroid = mean of the district's postcode centroids.
    dist = pd.Series(keys.astype(str)).str[:-3]
    grouped = pd.DataFrame({"d": dist, "lat": klat, "lon": klon}).groupby("d", sort=True)[["lat", "lon"]].mean()
    return {
        "postcodes": keys,
        "lat": klat.astype(np.float32),
        "lon": klon.astype(np.float32),
        "districts": grouped.index.to_numpy(dtype="S4"),
        "district_lat": grouped["lat"].to_numpy(dtype=np.float32),
        "district_lon": grouped["lon"].to_numpy(dtype=np.float32),
        "stats": np.array(
            [len(df), int((~shape_ok).sum()), int((shape_ok & ~coords_ok).sum()), len(keys)], dtype=np.int64
        ),
    }


def read_district_file(path: str | Path) -> dict[str, tuple[float, float]]:
    """District -> (lat, lon) from a doogal-style CSV; rows without usable coordinates are left out."""
    p = Path(path)
    if not p.is_file():
        raise InputFileError("district file not found", path=p, fix="set ingest.district_file to an existing CSV")
    header = _read_header(p)
    d_col, lat_col, lon_col = _pick(header, _DISTRICT_NAMES), _pick(header, _LAT_NAMES), _pick(header, _LON_NAMES)
    if not (d_col and lat_col and lon_col):
        raise InputFileError(
            f"district file needs Postcode (or District), Latitude and Longitude columns; found {header[:12]}",
            path=p,
            fix="give a doogal-style postcode-district CSV",
        )
    out: dict[str, tuple[float, float]] = {}
    with open(p, encoding="utf-8-sig", errors="replace", newline="") as fh:
        for row in csv.DictReader(fh):
            district = normalise_postcode(row.get(d_col))
            try:
                lat, lon = float(row.get(lat_col) or "nan"), float(row.get(lon_col) or "nan")
            except ValueError:
                continue
            if district and " " not in district and _valid_uk(np.array([lat]), np.array([lon]))[0]:
                out.setdefault(district, (lat, lon))
    return out


def _cache_path(source: Path) -> Path:
    st = source.stat()
    key = f"{CACHE_VERSION}|{source.resolve()}|{st.st_size}|{st.st_mtime_ns}"
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
    return user_data_dir() / "reference" / f"postcodes-{digest}.npz"


def _load_or_build(source: Path) -> dict[str, np.ndarray]:
    cache = _cache_path(source)
    if cache.is_file():
        try:
            with np.load(cache) as data:
                return {k: data[k] for k in data.files}
        except (OSError, ValueError, EOFError):
            pass  # corrupt or partial cache: rebuild below
    arrays = build_lookup_arrays(source)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f"{cache.stem}.{os.getpid()}.tmp.npz")
        np.savez(tmp, **arrays)
        tmp.replace(cache)
    except OSError:
        pass  # a read-only data folder only costs speed, never correctness
    return arrays


def _merge_districts(arrays: dict[str, np.ndarray], extra: dict[str, tuple[float, float]]) -> int:
    """Add districts from ``extra`` that the postcode data lacks; return how many were added."""
    have = {d.decode("ascii") for d in arrays["districts"].tolist()}
    new = sorted(d for d in extra if d not in have)
    if not new:
        return 0
    names = np.concatenate([arrays["districts"].astype("S4"), np.array(new, dtype="S4")])
    lats = np.concatenate([arrays["district_lat"], np.array([extra[d][0] for d in new], dtype=np.float32)])
    lons = np.concatenate([arrays["district_lon"], np.array([extra[d][1] for d in new], dtype=np.float32)])
    order = np.argsort(names, kind="stable")
    arrays["districts"], arrays["district_lat"], arrays["district_lon"] = names[order], lats[order], lons[order]
    return len(new)


_MEMO: dict[tuple, PostcodeLookup] = {}


def _source_key(path: Path | None) -> tuple:
    if path is None:
        return (None,)
    st = path.stat()
    return (str(path.resolve()), st.st_size, st.st_mtime_ns)


def load_postcode_lookup(settings: Settings) -> PostcodeLookup:
    """The lookup the settings name; built once per source file, then cached on disk and in memory.

    Raises InputFileError when ``ingest.postcode_file`` or ``ingest.district_file`` is set but
    unreadable. With neither setting nor postcodez installed, returns an empty lookup (every
    location then comes from the directory file itself or stays unknown).
    """
    if settings.ingest.postcode_file:
        source: Path | None = Path(settings.ingest.postcode_file).expanduser()
        if not source.is_file():
            raise InputFileError(
                "postcode file not found", path=source, fix="set ingest.postcode_file to an existing CSV, or to ''"
            )
    else:
        source = postcodez_file()
    district_path = Path(settings.ingest.district_file).expanduser() if settings.ingest.district_file else None
    if district_path is not None and not district_path.is_file():
        raise InputFileError(
            "district file not found", path=district_path, fix="set ingest.district_file to an existing CSV, or to ''"
        )
    memo_key = (_source_key(source), _source_key(district_path))  # same source -> same arrays
    if memo_key in _MEMO:
        return _MEMO[memo_key]

    if source is not None:
        arrays = _load_or_build(source)
        described = str(source)
    else:
        arrays = {k: v for k, v in PostcodeLookup().__dict__.items() if isinstance(v, np.ndarray)}
        arrays["stats"] = np.zeros(4, dtype=np.int64)
        described = "no postcode file"
    added = _merge_districts(arrays, read_district_file(district_path)) if district_path else 0
    if district_path:
        described += f" + districts from {district_path}"
    rows, bad_shape, bad_coords, kept = (int(x) for x in arrays["stats"])
    lookup = PostcodeLookup(
        postcodes=arrays["postcodes"],
        lat=arrays["lat"],
        lon=arrays["lon"],
        districts=arrays["districts"],
        district_lat=arrays["district_lat"],
        district_lon=arrays["district_lon"],
        source=described,
        stats={
            "rows": rows,
            "skipped_not_a_postcode": bad_shape,
            "skipped_bad_coordinates": bad_coords,
            "postcodes": kept,
            "districts": len(arrays["districts"]),
            "districts_from_district_file": added,
        },
    )
    _MEMO[memo_key] = lookup
    return lookup
