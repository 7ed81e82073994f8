"""Render the consortium outputs: consortia.json, one bid brief per proposed team, the weekly digest.

Templates ship inside the package (``templates/``) and are loaded with jinja2's ``PackageLoader``.
HTML templates autoescape every value; Markdown templates pass user text through the ``md`` filter,
which backslash-escapes Markdown and HTML punctuation, so a notice title such as
``<script>alert(1)</script>`` is shown as text in every format.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from procure_match.consortium import Team, form_teams
from procure_match.domain import ScanResult
from procure_match.errors import InputFileError
from procure_match.heap import collector_paused
from procure_match.outputs import prepare_out_dir
from procure_match.reference.cpv import CpvVocabulary, default_vocabulary
from procure_match.reports.context import (
    ScanLookup,
    brief_context,
    brief_stem,
    consortia_records,
    digest_context,
    safe_stem,
)
from procure_match.settings import Settings

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_ENTITY = re.compile(r"&(?=#?\w+;)")


def md_escape(value: object) -> str:
    """Inline Markdown text: one line; emphasis, link, code, table and HTML punctuation backslash-escaped.

    ``&`` becomes ``&amp;`` only where it would start an HTML entity, so "Fish & chips" stays readable.
    """
    return _md_escape_text(value if type(value) is str else str(value))


@functools.lru_cache(maxsize=65536)
def _md_escape_text(text: str) -> str:
    # Cached: the same names, labels and reasons recur in thousands of briefs.
    return _MD_SPECIAL.sub(r"\\\1", _ENTITY.sub("&amp;", " ".join(text.split())))


def _autoescape(name: str | None) -> bool:
    return bool(name) and name.endswith((".html.j2", ".html"))


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _ReportEnvironment(Environment):
    """Contexts are plain dicts: ``notice.title`` reads the key straight away.

    jinja2 tries ``getattr(notice, "title")`` first, which for a dict fails (an exception per key a
    template reads) unless the name is a dict attribute such as ``items``; the result is the same.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute in obj and attribute not in _DICT_ATTRIBUTES:
            return obj[attribute]
        return super().getattr(obj, attribute)


@functools.lru_cache(maxsize=1)
def environment() -> Environment:
    """The one jinja2 environment (cached, so each template is compiled once per process).

    Templates ship inside the package and do not change while a process runs, so they are not
    re-checked on disk before each render (``auto_reload=False``).
    """
    env = _ReportEnvironment(
        loader=PackageLoader("procure_match.reports", "templates"),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["md"] = md_escape
    env.filters["anchor"] = safe_stem
    return env


_BLANK_LINES = re.compile(r"\n{3,}")


def render(template: str, context: dict) -> str:
    text = environment().get_template(template).render(**context)
    return _BLANK_LINES.sub("\n\n", text) if template.endswith(".md.j2") else text


def _write(path: Path, text: str) -> Path:
    try:
        path.write_bytes(text.encode("utf-8"))  # the bytes write_text(encoding="utf-8") writes on POSIX, faster
    except OSError as exc:
        raise InputFileError(
            f"cannot write the report ({exc.strerror})", path=path, fix="choose a folder you can write to"
        ) from exc
    return path


def write_consortia_json(teams: list[Team], path: str | Path, result: ScanResult | None = None) -> Path:
    """Every team (and every notice with no possible team, with its gaps) as a JSON list."""
    p = Path(path)
    prepare_out_dir(p.parent)
    return _write(p, json.dumps(consortia_records(teams, result), indent=2, ensure_ascii=False) + "\n")


def write_briefs(
    result: ScanResult, teams: list[Team], out_dir: str | Path, settings: Settings, cpv: CpvVocabulary | None = None
) -> list[Path]:
    """``out_dir/briefs/<tender>-<n>.md`` and ``.html`` for every feasible team (n = 1 for the best)."""
    folder = prepare_out_dir(Path(out_dir) / "briefs")
    lookup = ScanLookup(result, settings, cpv or default_vocabulary(settings.ingest.cpv_vocabulary or None))
    written = []
    for team in teams:
        if not team.feasible:
            continue
        context = brief_context(result, team, settings, lookup=lookup)
        stem = brief_stem(team)
        written.append(_write(folder / f"{stem}.md", render("brief.md.j2", context)))
        written.append(_write(folder / f"{stem}.html", render("brief.html.j2", context)))
    return written


def write_digest(
    result: ScanResult, teams: list[Team], out_dir: str | Path, settings: Settings, cpv: CpvVocabulary | None = None
) -> list[Path]:
    """``out_dir/digest.md`` and ``out_dir/digest.html``."""
    folder = prepare_out_dir(Path(out_dir))
    context = digest_context(result, teams, settings, cpv)
    return [
        _write(folder / "digest.md", render("digest.md.j2", context)),
        _write(folder / "digest.html", render("digest.html.j2", context)),
    ]


def write_all(
    result: ScanResult, out_dir: str | Path, settings: Settings, cpv: CpvVocabulary | None = None
) -> dict[str, Path]:
    """Form teams for every notice and write consortia.json, briefs/ and the digest; returns what was written."""
    out = Path(out_dir)
    with collector_paused():
        teams = form_teams(result, settings, cpv)
        consortia = write_consortia_json(teams, out / "consortia.json", result)
        briefs = write_briefs(result, teams, out, settings, cpv)
        digest_md, digest_html = write_digest(result, teams, out, settings, cpv)
    return {
        "consortia": consortia,
        "briefs": out / "briefs",
        "digest_md": digest_md,
        "digest_html": digest_html,
        **{f"brief:{p.name}": p for p in briefs},
    }


__all__ = [
    "environment",
    "md_escape",
    "render",
    "safe_stem",
    "write_all",
    "write_briefs",
    "write_consortia_json",
    "write_digest",
]
