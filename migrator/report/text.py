"""Plain-text rendering that lines up Japanese (full-width) text correctly."""

from __future__ import annotations

import os
import shutil
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any

from migrator.excel.writer import visible
from migrator.i18n import Lang, join_list, plural
from migrator.location import shown as shown_name
from migrator.report.labels import title_text
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


# Narrowest a wrapped column gets; a table of many columns may still be wider than the terminal.
MIN_COLUMN = 8
# A word up to this width (an item name, a code) is never broken across lines; longer ones (paths, Japanese
# sentences, which have no spaces) break where the column ends.
WHOLE_WORD = 20
GAP = 2


def terminal_width() -> int | None:
    """Columns to fit: ``COLUMNS`` if set, else the terminal's; ``None`` (no wrapping) when the output goes to a
    file or a program, which want whole lines to search."""
    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    if not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size((100, 24)).columns


def wrap(text: str, width: int | None) -> list[str]:
    """``text`` in lines of at most ``width`` display columns, broken at spaces where possible, never cut."""
    if width is None or width <= 0 or display_width(text) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if display_width(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
            line = ""
        while display_width(word) > width:  # a word longer than the column (Japanese text has no spaces)
            cut = ""
            for ch in word:
                if display_width(cut + ch) > width:
                    break
                cut += ch
            lines.append(cut)
            word = word[len(cut):]
        line = word
    if line:
        lines.append(line)
    return lines


def _fit(natural: list[int], floors: list[int], width: int) -> list[int]:
    """Column widths within ``width``: columns that fit keep their width, the others share what is left in
    proportion to their text (messages get the most), and no column gets narrower than its ``floor`` (its
    longest short word) or ``MIN_COLUMN``, even if the table then overflows."""
    budget = width - GAP * (len(natural) - 1)
    if sum(natural) <= budget:
        return natural
    fitted = list(natural)
    wide = set(range(len(natural)))
    while wide:
        left = budget - sum(fitted[i] for i in range(len(natural)) if i not in wide)
        total = sum(natural[i] for i in wide)
        share = {i: left * natural[i] // total for i in wide}
        settled = {i for i in wide if natural[i] <= share[i] or max(floors[i], MIN_COLUMN) >= share[i]}
        if not settled:
            for i in wide:
                fitted[i] = share[i]
            break
        for i in settled:
            fitted[i] = natural[i] if natural[i] <= share[i] else min(max(floors[i], MIN_COLUMN), natural[i])
        wide -= settled
    return fitted


def _longest_word(text: str) -> int:
    return max((n for w in text.split(" ") if (n := display_width(w)) <= WHOLE_WORD), default=0)


def table(header: Sequence[str], rows: Sequence[Sequence[Any]], *, width: int | None = None) -> str:
    """Render rows as an aligned plain-text table that fits ``width`` columns (default: :func:`terminal_width`;
    a table for a file or a program is not wrapped).

    Long cells wrap inside their column instead of widening the table; nothing is cut. Control characters are
    shown as symbols (an ESC read from an extract must not drive the terminal).
    """
    cells = [[visible(("" if v is None else str(v)).replace("\n", " ")) for v in row] for row in (header, *rows)]
    natural = [max(display_width(r[i]) for r in cells if i < len(r)) for i in range(len(header))]
    floors = [max(_longest_word(r[i]) for r in cells if i < len(r)) for i in range(len(header))]
    fit = width if width is not None else terminal_width()
    widths = natural if fit is None else _fit(natural, floors, fit)
    lines = []
    for n, row in enumerate(cells):
        wrapped = [wrap(c, widths[i]) for i, c in enumerate(row)]
        for k in range(max(len(w) for w in wrapped)):
            parts = [_pad(w[k] if k < len(w) else "", widths[i]) for i, w in enumerate(wrapped)]
            lines.append((" " * GAP).join(parts).rstrip())
        if n == 0:
            lines.append((" " * GAP).join("-" * w for w in widths))
    return "\n".join(lines)


_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def render_text(report: Report, lang: Lang = "en", *, limit: int | None = None) -> str:
    """The terminal form of a report: a findings table and a one-line summary.

    ``limit``: print at most that many findings (errors first, then warnings, then information, each in
    report order) and say how many more there are, so that the summary stays on screen; the JSON, HTML and
    Excel forms always hold them all.
    """
    heading = title_text(report.title, lang)
    # A title that already names its subject ("plan base" → "Migration plan: base") does not repeat it.
    named = report.subject and not heading.endswith(f": {report.subject}")
    parts = wrap(visible(heading + (f": {shown_name(report.subject or '')}" if named else "")), terminal_width())
    shown = list(report.findings)
    if limit is not None and len(shown) > limit:
        shown = sorted(shown, key=lambda f: _SEVERITY_ORDER.get(f.severity, 3))[:limit]
        kept = set(map(id, shown))
        shown = [f for f in report.findings if id(f) in kept]  # report order among those kept
    if report.findings:
        with_values = any(f.value is not None for f in shown)
        with_sources = any(f.source for f in shown)
        rows = []
        for f in shown:
            message = f.message(lang)
            if f.count > 1:
                message = f"{message} (×{f.count})"
            row = [f.code, label(f.severity, lang), f.location.text(lang), message]
            row += [f.value or ""] if with_values else []
            row += [f.source or ""] if with_sources else []
            rows.append(row)
        header = [label("code", lang), label("severity", lang), label("location", lang), label("message", lang)]
        header += [label("value", lang)] if with_values else []
        header += [label("source", lang)] if with_sources else []
        # Never cut a finding: its location and message are what the user acts on; long ones wrap.
        parts.append(table(header, rows))
        if len(shown) < len(report.findings):
            rest = len(report.findings) - len(shown)
            parts.append(f"… ほか {rest} 件の指摘は表示していません（--format json ですべて出力します）" if lang == "ja" else
                         f"… {rest} more {plural(rest, 'finding', 'findings')} not shown (--format json lists them all)")
    else:
        parts.append(label("ok", lang))
    counts = report.counts_by_severity
    parts.append(
        f"{label('summary', lang)}: "
        + join_list((f"{label(s, lang)} {n}" for s, n in counts.items()), lang)
    )
    return "\n".join(parts) + "\n"
