"""Reading recorded progress (進捗) per task from a workbook or a CSV file."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from migrator.errors import InputError
from migrator.excel import SheetData, find_header, read_workbook
from migrator.inventory.values import parse_date
from migrator.limits import check_input_file, csv_field_limit, how_to_raise
from migrator.location import Location
from migrator.planning.build import TaskProgress
from migrator.report import Finding, make_finding

SYNONYMS = {
    "task_key": ["タスクID", "タスクキー", "タスク", "key", "task"],
    "status": ["状況", "ステータス", "進捗", "状態", "status"],
    "actual_start": ["実績開始日", "開始実績", "実績開始", "actual start"],
    "actual_finish": ["実績終了日", "終了実績", "実績終了", "完了日", "actual finish"],
}
STATUS_WORDS = {
    "完了": "完了", "完了済み": "完了", "完了済": "完了", "done": "完了", "finished": "完了",
    "作業中": "作業中", "着手": "作業中", "in progress": "作業中", "running": "作業中",
    "未着手": "未着手", "not started": "未着手", "todo": "未着手",
    "対象外": "対象外", "n/a": "対象外", "na": "対象外", "not applicable": "対象外",
}


def _date(value: object) -> dt.date | None:
    """A day as the inventory reads one (2026/3/31, R7.12.22, 令和8年1月9日, full-width digits, an Excel
    date); a month without its day is no actual date of work."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    parsed = parse_date(value)
    if parsed.value is None or parsed.problem == "month_only":
        raise ValueError(str(value))
    return parsed.value


def _read_csv(path: Path) -> tuple[SheetData, list[int]]:
    """The CSV as a sheet, and the physical line each record starts on (a quoted cell may hold line breaks).

    The file is read as a stream (UTF-8, else CP932), so a huge field costs one line, not the whole file.
    """
    check_input_file(path)
    for enc in ("utf-8-sig", "cp932"):
        try:
            rows, lines = _parse_csv(path, enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError("the CSV is neither UTF-8 nor CP932", "CSV が UTF-8 でも CP932 でもありません",
                         location=Location(file=str(path)))
    return SheetData(name=path.name, rows=rows, file=str(path)), lines


def _parse_csv(path: Path, encoding: str) -> tuple[list[list[str]], list[int]]:
    rows: list[list[str]] = []
    lines: list[int] = []
    last = 0
    with path.open(encoding=encoding, newline="") as fh, csv_field_limit() as limit:
        reader = csv.reader(fh)
        try:
            for record in reader:
                rows.append(list(record))
                lines.append(last + 1)
                last = reader.line_num
        except csv.Error as exc:
            if "field limit" not in str(exc):
                raise InputError.of("CORE115", Location(file=str(path), line=last + 1), what="CSV", what_ja="CSV ",
                                    reason=str(exc)) from None
            raise InputError.of("CORE109", Location(file=str(path), line=last + 1), limit=limit,
                                how=how_to_raise("csv_field_bytes")) from None
    return rows, lines


def _unreadable(location: Location, key: str | None, ja: str, en: str) -> Finding:
    return make_finding("PLN007", location, item=key, reason=en, reason_ja=ja)


def read_progress(path: Path) -> tuple[dict[str, TaskProgress], list[Finding]]:
    """Progress per task key from ``path`` (.xlsx with a 進捗 sheet or its first sheet, or .csv).

    Rows that cannot be read become findings naming the cell (workbook) or line (CSV).
    """
    is_csv = path.suffix.lower() == ".csv"
    line_of: list[int] = []
    if is_csv:
        sheet, line_of = _read_csv(path)
    else:
        wb = read_workbook(path)
        found = wb.sheet("進捗", "progress") or next(iter(wb.sheets.values()), None)
        if found is None:
            raise InputError("the workbook has no sheet", "ブックにシートがありません", location=Location(file=str(path)))
        sheet = found
    header = find_header(sheet, SYNONYMS, required=["task_key", "status"])
    if header is None:
        raise InputError("no header with タスクID and 状況 (task_key, status) found",
                         "タスクID と 状況 の見出し行が見つかりません", location=Location(file=str(path)))

    def where(r: int, c: int) -> Location:
        return Location(file=str(path), line=line_of[r - 1]) if is_csv else sheet.location(r, c)

    out: dict[str, TaskProgress] = {}
    findings: list[Finding] = []
    cols = header.columns
    for r in range(header.first_data_row, sheet.max_row + 1):
        if sheet.is_blank_row(r):
            continue
        key = str(sheet.value(r, cols["task_key"]) or "").strip()
        raw_status = str(sheet.value(r, cols["status"]) or "").strip()
        if not key:
            findings.append(_unreadable(where(r, cols["task_key"]), None, "タスクID が空です", "the task key is empty"))
            continue
        # A blank 状況 is work not started: the plan's own export leaves it blank until someone reports.
        status = (STATUS_WORDS.get(raw_status.casefold()) or STATUS_WORDS.get(raw_status)) if raw_status else "未着手"
        if status is None:
            findings.append(_unreadable(where(r, cols["status"]), key,
                                        f"状況 {raw_status!r} は 完了/作業中/未着手/対象外 ではありません",
                                        f"status {raw_status!r} is not one of 完了 (done), 作業中 (in progress), "
                                        "未着手 (not started), 対象外 (not applicable)"))
            continue
        dates: dict[str, dt.date | None] = {}
        bad = False
        for fieldname in ("actual_start", "actual_finish"):
            c = cols.get(fieldname)
            if not c:
                dates[fieldname] = None
                continue
            try:
                dates[fieldname] = _date(sheet.value(r, c))
            except ValueError:
                findings.append(_unreadable(where(r, c), key, f"日付 {sheet.value(r, c)!r} を読めません",
                                            f"cannot read the date {sheet.value(r, c)!r}"))
                bad = True
        if bad:
            continue
        start, finish = dates["actual_start"], dates["actual_finish"]
        if start is not None and finish is not None and finish < start:
            findings.append(_unreadable(where(r, cols["actual_finish"]), key,
                                        f"実績終了日 {finish} が実績開始日 {start} より前です",
                                        f"actual finish {finish} is before actual start {start}"))
            continue
        if status == "完了" and dates["actual_finish"] is None:
            findings.append(_unreadable(where(r, cols["status"]), key, "完了 には実績終了日が必要です",
                                        "完了 (done) needs an actual finish date"))
            continue
        out[key] = TaskProgress(status, dates["actual_start"], dates["actual_finish"])
    return out, findings
