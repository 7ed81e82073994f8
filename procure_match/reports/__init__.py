"""Reports: pure context builders (``context.py``) and jinja2 rendering to files (``render.py``)."""

from __future__ import annotations

from procure_match.reports.render import (
    write_all,
    write_briefs,
    write_consortia_json,
    write_digest,
)

__all__ = ["write_all", "write_briefs", "write_consortia_json", "write_digest"]
