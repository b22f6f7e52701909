"""The reports of a run: JSON, Excel (summary, findings by item, examples, 外字 list) and HTML with a chart.

Every file is created readable by its owner only; values in them are the masked forms the findings hold.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from migrator.errors import InputError
from migrator.excel import SheetSpec, write_workbook
from migrator.i18n import Lang
from migrator.limits import write_error
from migrator.location import Location
from migrator.report import Finding, make_finding, write_report
from migrator.report.excel_out import report_sheets

if TYPE_CHECKING:
    from migrator.validation.types import RunResult

# Characters no file name may hold on Windows or Linux, control characters, and ".." (a way out of --out).
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]|\.\.')
_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                       *(f"LPT{i}" for i in range(1, 10))})


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return a.resolve() == b.resolve()


def refuse_replacing_inputs(outputs: Iterable[Path], inputs: Iterable[Path | None]) -> None:
    """CORE120 when an output of a run would take the place of one of its own inputs (``--out`` being the folder
    of an extract named like its mapping's output, or holding a mapping called ``report.xlsx``): the run would
    replace the file it reads, and the user's extract or mapping would be lost."""
    given = [p for p in inputs if p is not None]
    for out in outputs:
        if out.exists() and any(_same_file(out, p) for p in given):
            raise InputError.of("CORE120", Location(file=str(out)),
                                reason="it is an input of this run, which would be replaced; choose another --out",
                                reason_ja="この実行の入力ファイルで、置き換えられてしまいます。別の --out を指定してください")


def run_inputs(jobs: Iterable[object]) -> list[Path | None]:
    """The files a run reads: each job's extract and mapping."""
    found: list[Path | None] = []
    for job in jobs:
        found.append(getattr(job, "extract", None))
        found.append(getattr(getattr(getattr(job, "compiled", None), "mapping", None), "path", None))
    return found


def output_stem(name: str, out_dir: Path, taken: set[str], inputs: Iterable[Path | None] = ()) -> tuple[str, list[Finding]]:
    """A file-name stem for the outputs of ``name`` (a mapping ID, from user data) inside ``out_dir``.

    The stem holds no separator, no ``..`` and no character Windows refuses, so ``<stem>.csv`` and
    ``<stem>.rejects.csv`` resolve inside ``out_dir``; it differs (case-insensitively, as on Windows) from
    every stem in ``taken``, to which it is added. A changed name is reported (CORE121, CORE122).
    """
    findings: list[Finding] = []
    where = Location(file=str(out_dir))
    safe = _UNSAFE.sub("_", name).strip(" .")[:100] or "output"
    if safe.split(".")[0].upper() in _RESERVED:
        safe = "_" + safe
    if safe != name:
        findings.append(make_finding("CORE121", where, name=name, safe=safe))
    base, n = safe, 2
    while {safe.casefold(), f"{safe}.rejects".casefold()} & taken:
        safe, n = f"{base}-{n}", n + 1
    if safe != base:
        findings.append(make_finding("CORE122", where, name=base, safe=safe))
    taken.update({safe.casefold(), f"{safe}.rejects".casefold()})
    root = out_dir.resolve()
    for suffix in (".csv", ".rejects.csv", ".parquet"):
        if not (out_dir / f"{safe}{suffix}").resolve().is_relative_to(root):  # a symbolic link in --out
            raise InputError.of("CORE120", Location(file=str(out_dir / f"{safe}{suffix}")),
                                reason="it leads outside the output folder", reason_ja="出力フォルダの外を指しています")
    refuse_replacing_inputs((out_dir / f"{safe}{suffix}" for suffix in (".csv", ".rejects.csv", ".parquet")), inputs)
    return safe, findings


def run_sheets(result: RunResult, lang: Lang = "en") -> list[SheetSpec]:
    """The report's summary and findings sheets plus 項目別, 例 and 外字."""
    ja = lang == "ja"
    report = result.report
    per_item: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for f in report.findings:
        slot = per_item[(f.item or "-", f.code)]
        slot[{"error": 0, "warning": 1, "info": 2}[f.severity]] += f.count
    by_item = [[item, code, e, w, i] for (item, code), (e, w, i) in sorted(per_item.items())]
    examples = [[f.code, f.item or "", e.location.text(lang), e.value or "", e.converted or "", f.source or ""]
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
    refuse_replacing_inputs((out_dir / f"{stem}.{suffix}" for suffix in ("json", "html", "xlsx")),
                            run_inputs(t.job for t in result.tables))
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for suffix in ("json", "html", "xlsx"):
        path = out_dir / f"{stem}.{suffix}"
        try:
            if suffix == "xlsx":
                write_workbook(path, run_sheets(result, lang), private=True)
            else:
                write_report(result.report, path, lang, private=True)
        except BaseException as exc:
            # The reports of a run come together or not at all (each one is written atomically).
            for done in paths:
                done.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise write_error(exc, path) from None
            raise
        paths.append(path)
    return paths
