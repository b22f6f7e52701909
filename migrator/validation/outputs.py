"""The reports of a run: JSON, Excel (summary, findings by item, examples, 外字 list) and HTML with a chart.

Every file is created readable by its owner only; values in them are the masked forms the findings hold.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from migrator.excel import SheetSpec, write_workbook
from migrator.i18n import Lang
from migrator.report import write_report
from migrator.report.excel_out import report_sheets
from migrator.validation.run import RunResult


def run_sheets(result: RunResult, lang: Lang = "en") -> list[SheetSpec]:
    """The report's summary and findings sheets plus 項目別, 例 and 外字."""
    ja = lang == "ja"
    report = result.report
    per_item: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for f in report.findings:
        slot = per_item[(f.item or "-", f.code)]
        slot[{"error": 0, "warning": 1, "info": 2}[f.severity]] += f.count
    by_item = [[item, code, e, w, i] for (item, code), (e, w, i) in sorted(per_item.items())]
    examples = [[f.code, f.item or "", str(e.location), e.value or "", e.converted or "", f.source or ""]
                for f in report.findings for e in f.examples]
    gaiji = [[ch, cp, n] for ch, cp, n in result.gaiji]
    return [
        *report_sheets(report, lang),
        SheetSpec(name="項目別" if ja else "By item",
                  header=["項目" if ja else "item", "コード" if ja else "code", "エラー" if ja else "errors",
                          "警告" if ja else "warnings", "情報" if ja else "info"],
                  rows=by_item, widths={1: 30, 2: 10}),
        SheetSpec(name="例" if ja else "Examples",
                  header=["コード" if ja else "code", "項目" if ja else "item", "位置" if ja else "location",
                          "現行値" if ja else "legacy value", "変換後" if ja else "converted value",
                          "対応行" if ja else "mapping row"],
                  rows=examples, widths={1: 10, 2: 24, 3: 50, 4: 24, 5: 24, 6: 16}),
        SheetSpec(name="外字", header=["文字" if ja else "character", "コードポイント" if ja else "code point",
                                       "件数" if ja else "count"], rows=gaiji, widths={1: 10, 2: 16, 3: 10}),
    ]


def write_run_reports(result: RunResult, out_dir: Path, lang: Lang = "en", *, stem: str = "report") -> list[Path]:
    """Write ``report.json``, ``report.xlsx`` and ``report.html`` into ``out_dir`` (owner-only)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [write_report(result.report, out_dir / f"{stem}.json", lang, private=True),
             write_report(result.report, out_dir / f"{stem}.html", lang, private=True)]
    paths.append(write_workbook(out_dir / f"{stem}.xlsx", run_sheets(result, lang), private=True))
    return paths
