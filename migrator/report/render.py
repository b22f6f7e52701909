"""One entry point to render a report in any of the output formats."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from migrator.i18n import Lang
from migrator.limits import write_output_text
from migrator.report.excel_out import write_excel
from migrator.report.html import render_html
from migrator.report.json_out import render_json
from migrator.report.model import Report
from migrator.report.text import render_text

_SURROGATE = re.compile("[\ud800-\udfff]")
OutputFormat = Literal["text", "json", "html", "xlsx"]


def render(report: Report, fmt: OutputFormat, lang: Lang = "en", *, limit: int | None = None) -> str:
    """Return the text, JSON or HTML form of ``report``; ``limit`` caps the findings the text form prints."""
    if fmt == "json":
        return _whole_characters(render_json(report, lang))
    if fmt == "html":
        return render_html(report, lang)
    if fmt == "text":
        return _whole_characters(render_text(report, lang, limit=limit))
    raise ValueError(f"{fmt} is written to a file, not rendered to text")


def _whole_characters(text: str) -> str:
    # A lone surrogate (half of a UTF-16 pair, from a broken input) cannot be written as UTF-8; JSON and
    # the terminal show U+FFFD in its place, control characters are escaped by JSON and kept in text.
    return _SURROGATE.sub("\ufffd", text)


def write_report(report: Report, path: Path, lang: Lang = "en", *, private: bool = False) -> Path:
    """Write ``report`` to ``path`` in the format its suffix names (.json, .html, .xlsx, .txt)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return write_excel(report, path, lang, private=private)
    by_suffix: dict[str, OutputFormat] = {".json": "json", ".html": "html", ".htm": "html"}
    fmt = by_suffix.get(suffix, "text")
    write_private_text(path, render(report, fmt, lang), private=private)
    return path


def write_private_text(path: Path, text: str, *, private: bool = False) -> None:
    """Write UTF-8 ``text`` atomically (a link at ``path`` is replaced, never followed); ``private`` creates the
    file readable by its owner only."""
    write_output_text(path, text, private=private)
