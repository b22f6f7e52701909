"""The JSON form of a report (keys documented in docs/report-format.md)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from migrator.i18n import Lang
from migrator.report.model import Report


def _default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def dumps(data: Any) -> str:
    """Serialize ``data`` as stable, readable JSON (UTF-8 text, Japanese kept as is)."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=_default) + "\n"


def render_json(report: Report, lang: Lang = "en") -> str:
    return dumps(report.to_dict(lang))
