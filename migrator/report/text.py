"""Plain-text rendering that lines up Japanese (full-width) text correctly."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from migrator.i18n import Lang
from migrator.report.model import Report

_LABELS: dict[str, tuple[str, str]] = {
    "code": ("コード", "code"),
    "severity": ("重大度", "severity"),
    "location": ("場所", "location"),
    "message": ("内容", "message"),
    "count": ("件数", "count"),
    "value": ("値", "value"),
    "source": ("対応行", "mapping row"),
    "error": ("エラー", "error"),
    "warning": ("警告", "warning"),
    "info": ("情報", "info"),
    "ok": ("問題は見つかりませんでした。", "No problems found."),
    "summary": ("集計", "summary"),
}


def label(key: str, lang: Lang) -> str:
    ja, en = _LABELS[key]
    return ja if lang == "ja" else en


def display_width(text: str) -> int:
    """Terminal columns taken by ``text`` (wide and full-width characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - display_width(text), 0)


def table(header: Sequence[str], rows: Sequence[Sequence[Any]], *, max_width: int | None = 60) -> str:
    """Render rows as an aligned plain-text table; cells wider than ``max_width`` are cut with an ellipsis."""
    def cut(value: Any) -> str:
        text = "" if value is None else str(value).replace("\n", " ")
        if max_width is None or display_width(text) <= max_width:
            return text
        out = ""
        for ch in text:
            if display_width(out + ch) > max_width - 1:
                break
            out += ch
        return out + "…"

    cells = [[cut(h) for h in header], *[[cut(v) for v in row] for row in rows]]
    widths = [max(display_width(r[i]) for r in cells if i < len(r)) for i in range(len(header))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(_pad(c, widths[i]) for i, c in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def render_text(report: Report, lang: Lang = "en") -> str:
    """The terminal form of a report: a findings table and a one-line summary."""
    parts = [f"{report.title}" + (f": {report.subject}" if report.subject else "")]
    if report.findings:
        with_values = any(f.value is not None for f in report.findings)
        with_sources = any(f.source for f in report.findings)
        rows = []
        for f in report.findings:
            message = f.message(lang)
            if f.count > 1:
                message = f"{message} (×{f.count})"
            row = [f.code, label(f.severity, lang), str(f.location), message]
            row += [f.value or ""] if with_values else []
            row += [f.source or ""] if with_sources else []
            rows.append(row)
        header = [label("code", lang), label("severity", lang), label("location", lang), label("message", lang)]
        header += [label("value", lang)] if with_values else []
        header += [label("source", lang)] if with_sources else []
        # Never cut a finding: its location and message are what the user acts on.
        parts.append(table(header, rows, max_width=None))
    else:
        parts.append(label("ok", lang))
    counts = report.counts_by_severity
    parts.append(
        f"{label('summary', lang)}: "
        + ", ".join(f"{label(s, lang)} {n}" for s, n in counts.items())
    )
    return "\n".join(parts) + "\n"
