"""The Excel form of a report: a summary sheet and a findings sheet."""

from __future__ import annotations

from pathlib import Path

from migrator.excel import SheetSpec, has_invisible, write_workbook
from migrator.i18n import Lang
from migrator.report.finding import make_finding
from migrator.report.labels import summary_label, summary_value, title_text
from migrator.report.model import Report
from migrator.report.text import label

SEVERITY_FILL = {"error": "F8D7DA", "warning": "FFF3CD", "info": "E2E3E5"}


def with_visibility_note(report: Report, lang: Lang = "en") -> Report:
    """``report`` plus a CORE123 finding when its texts hold control characters the Excel and HTML forms replace."""
    texts = [report.title, report.subject or "", *(str(k) for k in report.summary),
             *(str(v) for v in report.summary.values())]
    for f in report.findings:
        texts += [f.message(lang), f.value or "", f.location.text(lang), f.item or "", f.source or ""]
    values = sum(1 for text in texts if has_invisible(text))
    if not values:
        return report
    return Report.of(report.title, [*report.findings, make_finding("CORE123", values=values)],
                     subject=report.subject, summary=report.summary)


def report_sheets(report: Report, lang: Lang = "en") -> list[SheetSpec]:
    """The summary and findings sheets of ``report``; callers may append more sheets."""
    ja = lang == "ja"
    report = with_visibility_note(report, lang)
    summary_rows: list[list[object]] = [
        ["タイトル" if ja else "Title", title_text(report.title, lang)],
        ["対象" if ja else "Subject", report.subject or ""],
        ["判定" if ja else "Result", ("合格" if report.valid else "不合格") if ja else ("valid" if report.valid else "not valid")],
    ]
    summary_rows += [[label(s, lang), n] for s, n in report.counts_by_severity.items()]
    summary_rows += [[code, n] for code, n in report.counts_by_code.items()]
    summary_rows += [[summary_label(str(k), lang), v if isinstance(v, int | float) else summary_value(v, lang)]
                     for k, v in report.summary.items()]
    header = [label("code", lang), label("severity", lang), "項目" if ja else "item", label("location", lang),
              label("message", lang), label("count", lang), "値" if ja else "value",
              "対応行" if ja else "mapping row"]
    rows = []
    fills = {}
    for i, f in enumerate(report.findings, start=2):
        rows.append([f.code, label(f.severity, lang), f.item or "", f.location.text(lang), f.message(lang), f.count, f.value or "",
                     f.source or ""])
        fills[(i, 2)] = SEVERITY_FILL[f.severity]
    return [
        SheetSpec(name="概要" if ja else "Summary", header=["項目" if ja else "Figure", "値" if ja else "Value"],
                  rows=summary_rows, widths={1: 28, 2: 60}),
        SheetSpec(name="指摘一覧" if ja else "Findings", header=header, rows=rows, fills=fills,
                  widths={1: 10, 2: 10, 3: 22, 4: 36, 5: 70, 6: 8, 7: 20, 8: 16}),
    ]


def write_excel(report: Report, path: Path, lang: Lang = "en", *, private: bool = False) -> Path:
    return write_workbook(path, report_sheets(report, lang), private=private)
