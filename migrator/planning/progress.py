"""Reading recorded progress (進捗) per task from a workbook or a CSV file."""

from __future__ import annotations

import csv
import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from migrator.errors import InputError
from migrator.excel import SheetData, cell_ref, find_header, read_workbook
from migrator.i18n import shorten
from migrator.inventory.values import parse_date
from migrator.limits import check_input_file, csv_field_limit, csv_reason, how_to_raise
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
    if parsed.value is None or parsed.problem in ("month_only", "fiscal_year"):
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
        # strict: a quote never closed is an error at the line it opens, not the rest of the file in one cell
        reader = csv.reader(fh, strict=True)
        try:
            for record in reader:
                rows.append(list(record))
                lines.append(last + 1)
                last = reader.line_num
        except csv.Error as exc:
            where = Location(file=str(path), line=last + 1)
            if "field limit" in str(exc):
                raise InputError.of("CORE109", where, limit=limit, how=how_to_raise("csv_field_bytes")) from None
            if "end of data" in str(exc):
                raise InputError.of("DAT003", where) from None
            reason = csv_reason(exc)
            raise InputError(f"cannot read the line as CSV: {reason['reason']}",
                             f"CSV として読めない行です: {reason['reason_ja']}", location=where) from None
    return rows, lines


def _unreadable(location: Location, key: str | None, ja: str, en: str) -> Finding:
    return make_finding("PLN007", location, item=key, reason=en, reason_ja=ja)


def read_progress(path: Path, *, as_of: dt.date | None = None) -> tuple[dict[str, TaskProgress], list[Finding]]:
    """Progress per task key from ``path`` (.xlsx with a 進捗 sheet or its first sheet, or .csv).

    Every cell that cannot be read or holds an impossible actual date (a day that does not exist, a finish
    before its start, a day after ``as_of`` (default today), dates that contradict the status) becomes a
    finding naming the cell (workbook) or line and column (CSV); a row with any of them is not recorded.
    """
    as_of = as_of or dt.date.today()
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
    cols = header.columns

    def where(r: int, c: int) -> Location:
        if not is_csv:
            return sheet.location(r, c)
        label = str(sheet.value(header.row, c) or "").strip() or cell_ref(header.row, c).rstrip("0123456789")
        return Location(file=str(path), line=line_of[r - 1], column=label)

    def row_place(r: int) -> Location:
        return Location(file=str(path), line=line_of[r - 1]) if is_csv else sheet.location(r, cols["task_key"])

    out: dict[str, TaskProgress] = {}
    findings: list[Finding] = []
    for r in range(header.first_data_row, sheet.max_row + 1):
        if sheet.is_blank_row(r):
            continue
        key, recorded, row_findings = _read_row([sheet.value(r, c) if c else None for c in range(max(cols.values()) + 1)],
                                                cols, functools.partial(where, r), as_of)
        findings += row_findings
        if recorded is not None:
            out[key] = replace(recorded, location=row_place(r))
    return out, findings


def _read_row(values: list[object], cols: dict[str, int], at: Callable[[int], Location],
              as_of: dt.date) -> tuple[str, TaskProgress | None, list[Finding]]:
    """One row: its task key, its progress (None when any cell of it is wrong) and a finding per wrong cell.

    ``values`` are the row's cells by column number, ``at`` the location of a column of the row.
    """
    findings: list[Finding] = []
    wrong: set[str] = set()  # the date fields already reported
    key = str(values[cols["task_key"]] or "").strip()

    def bad(c: int, ja: str, en: str) -> None:
        findings.append(_unreadable(at(c), key or None, ja, en))

    raw_status = str(values[cols["status"]] or "").strip()
    if not key:
        bad(cols["task_key"], "タスクID が空です", "the task key is empty")
    # A blank 状況 is work not started: the plan's own export leaves it blank until someone reports.
    status = (STATUS_WORDS.get(raw_status.casefold()) or STATUS_WORDS.get(raw_status)) if raw_status else "未着手"
    if status is None:
        bad(cols["status"], f"状況 {shorten(raw_status)!r} は 完了/作業中/未着手/対象外 ではありません",
            f"status {shorten(raw_status)!r} is not one of 完了 (done), 作業中 (in progress), "
            "未着手 (not started), 対象外 (not applicable)")
    dates: dict[str, dt.date | None] = {"actual_start": None, "actual_finish": None}
    for fieldname, ja_name, en_name in (("actual_start", "実績開始日", "actual start"),
                                        ("actual_finish", "実績終了日", "actual finish")):
        c = cols.get(fieldname)
        if not c:
            continue
        raw = values[c]
        try:
            day = _date(raw)
        except ValueError:
            bad(c, f"{ja_name} {shorten(str(raw))!r} を日付として読めません（存在しない日付、または日のない年月）",
                f"cannot read the {en_name} {shorten(str(raw))!r} as a day that exists (or it is a month without its day)")
            wrong.add(fieldname)
            continue
        if day is not None and day > as_of:
            bad(c, f"{ja_name} {day} が基準日 {as_of} より後です（実績は未来の日付になりません）",
                f"{en_name} {day} is after the as-of date {as_of}: an actual date cannot lie in the future")
            wrong.add(fieldname)
            continue
        dates[fieldname] = day
    start, finish = dates["actual_start"], dates["actual_finish"]
    if start is not None and finish is not None and finish < start:
        bad(cols["actual_finish"], f"実績終了日 {finish} が実績開始日 {start} より前です",
            f"actual finish {finish} is before actual start {start}")
    if status == "完了" and finish is None and "actual_finish" not in wrong:
        bad(cols["status"], "完了 には実績終了日が必要です", "完了 (done) needs an actual finish date")
    if status == "作業中" and finish is not None:
        bad(cols["actual_finish"], f"作業中 のタスクに実績終了日 {finish} があります（終わったなら 完了 です）",
            f"a task 作業中 (in progress) has the actual finish {finish} (a finished task is 完了, done)")
    if status == "未着手" and (start or finish) is not None:
        bad(cols["actual_start"] if start is not None else cols["actual_finish"],
            "未着手 のタスクに実績日があります（始めたなら 作業中 か 完了 です）",
            "a task 未着手 (not started) has actual dates (started work is 作業中 or 完了)")
    if findings or status is None:
        return key, None, findings
    return key, TaskProgress(status, start, finish), findings
