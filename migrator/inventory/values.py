"""Reading the values of real inventories: dates in every notation, flags, counts and 団体コード.

Each reader returns a :class:`Parsed`: the value (or ``None``) and, when the cell could not be read as it
stands, a problem key with its parameters, which the importer turns into a finding at the cell.
Data values are never NFKC-normalized; only digits are folded from full width where a number is meant.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Generic, TypeVar

from migrator.jp import lg_code_check_digit

T = TypeVar("T")

_FULLWIDTH = str.maketrans("０１２３４５６７８９／．－，：　", "0123456789/.-,: ")
_ERAS = {"明治": (1867, dt.date(1868, 1, 25)), "大正": (1911, dt.date(1912, 7, 30)),
         "昭和": (1925, dt.date(1926, 12, 25)), "平成": (1988, dt.date(1989, 1, 8)),
         "令和": (2018, dt.date(2019, 5, 1))}
_ERA_LETTERS = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和",
                # the era by its first kanji, as forms abbreviate it: 令8.3.31, 平30年4月1日
                "明": "明治", "大": "大正", "昭": "昭和", "平": "平成", "令": "令和"}
_ERA_ORDER = list(_ERAS)

_WESTERN = re.compile(r"^([0-9]{4})\s*[/.\-年]\s*([0-9]{1,2})\s*(?:[/.\-月]\s*([0-9]{1,2})\s*日?|月?)$")
_ERA_KANJI = re.compile(r"^(明治|大正|昭和|平成|令和)\s*([0-9]{1,2}|元)\s*年\s*([0-9]{1,2})\s*月(?:\s*([0-9]{1,2})\s*日)?$")
_ERA_LETTER = re.compile(r"^([MTSHRmtshr明大昭平令])\s*([0-9]{1,2}|元)\s*[./\-年]\s*([0-9]{1,2})\s*(?:[./\-月]\s*([0-9]{1,2})\s*日?|月?)$")
_COMPACT = re.compile(r"^([0-9]{4})([0-9]{2})([0-9]{2})$")
# A fiscal year (年度, April to March) with no day: 令和7年度末, R7年度中, 2025年度, FY2025.
_FISCAL = re.compile(r"^(?:(明治|大正|昭和|平成|令和)([0-9]{1,2}|元)|([MTSHRmtshr明大昭平令])([0-9]{1,2}|元)|([0-9]{4}))"
                     r"年度(?:末|中|内|末まで|内まで)?$|^FY([0-9]{4})$", re.IGNORECASE)
# A date pasted from a database with its time (2025-12-01 00:00:00), or a weekday and a time after it
# (2026/3/31(火) 10:00): the time says nothing of the day.
_WITH_TIME = re.compile(r"^(.*[0-9)）])[\sT]+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?$")
# A weekday after the date, as calendars and letters write it: 2026/3/31(火), 令和8年3月31日（火曜日）.
_WEEKDAY = re.compile(r"^(.*[0-9日末])[(（]([月火水木金土日])(?:曜日?)?[)）]$")
_WEEKDAYS = "月火水木金土日"
# A word after the date saying it is planned or rough, in brackets or not: 2026/1/13予定, R8.1.13（予定）, …頃.
_PLANNED = re.compile(r"^(.*[0-9日月末旬])\s*[(（]?(?:予定|見込み?|頃|ごろ|目途|目処|めど)[)）]?$")
_FULLWIDTH_ERA = str.maketrans("ＭＴＳＨＲｍｔｓｈｒ", "MTSHRmtshr")
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's count (its 1900 leap-year bug before March 1900 aside)
_SERIAL_FIRST, _SERIAL_LAST = 36526, 73050  # 2000-01-01 to 2099-12-31: no count or code of a date column
UNDECIDED = frozenset({"未定", "調整中", "検討中", "未確定", "tbd", "TBD", "未定義"})
_TRUE = frozenset({"○", "〇", "◯", "●", "◎", "有", "あり", "有り", "該当", "対象", "yes", "y", "true", "1", "はい",
                   "✓", "✔", "☑", "☒", "レ"})  # check marks, as forms tick a box
_FALSE = frozenset({"×", "✕", "✗", "－", "-", "―", "—", "‐", "ー", "無", "なし", "無し", "非該当", "対象外",
                    "no", "n", "false", "0", "いいえ", "該当なし", "対象なし", "非対象", "☐", "□"})
_COUNT = re.compile(r"^約?\s*([0-9][0-9,]*)\s*(件|人|世帯|レコード|records?)?$")


@dataclass(frozen=True)
class Parsed(Generic[T]):
    """A value read from a cell, with the problem (a short key and parameters) if it was not clean."""

    value: T | None
    problem: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


def text(value: object) -> str | None:
    """A cell as text with surrounding spaces removed (``None`` for an empty cell); nothing else changes."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = str(value).strip().strip("\u3000")
    return result or None


def digits(value: str) -> str:
    """Fold full-width digits and separators to ASCII (for numbers, dates and codes only)."""
    return value.translate(_FULLWIDTH)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _make(year: int, month: int, day: int | None) -> Parsed[dt.date]:
    try:
        if day is None:
            return Parsed(_month_end(year, month), "month_only")
        return Parsed(dt.date(year, month, day))
    except ValueError:
        return Parsed(None, "bad_date")


def _era(era: str, year_text: str, month: int, day: int | None) -> Parsed[dt.date]:
    offset, first = _ERAS[era]
    year = 1 if year_text == "元" else int(year_text)
    parsed = _make(offset + year, month, day)
    if parsed.value is None:
        return parsed
    following = _ERA_ORDER.index(era) + 1
    end = _ERAS[_ERA_ORDER[following]][1] if following < len(_ERA_ORDER) else None
    check = parsed.value if day is not None else dt.date(offset + year, month, 1)
    if check < first or (end is not None and check >= end):
        # 平成32年 and the like: the date is clear, but it does not exist in that era.
        return Parsed(None, "era_range", {"era": era})
    return parsed


_MONTH_PART = re.compile(r"^(.+?)(上|初|中|下)旬$")


def parse_date(value: object) -> Parsed[dt.date]:
    """Read a date from an Excel date, ``2026/3/31``, ``2026-03-31``, ``R7.3.31``, ``令和7年3月31日``,
    ``2026年3月`` (the last day of the month, problem ``month_only``), ``2026年1月中旬`` (the last day of that
    part of the month: the 10th, the 20th or the month's last day, problem ``month_part``), ``令和7年度末``/``2025年度``/``FY2025`` (the
    fiscal year's last day, 31 March, problem ``fiscal_year``), ``20260331``, full-width digits, with a time
    after it or not (``2025-12-01 00:00:00``).

    ``未定`` and its kin give no value and the problem ``undecided``.
    """
    if value is None:
        return Parsed(None)
    if isinstance(value, dt.datetime):
        return Parsed(value.date())
    if isinstance(value, dt.date):
        return Parsed(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = int(value)
        if 19000101 <= number <= 21001231:
            match = _COMPACT.match(str(number))
            if match:
                return _make(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if _SERIAL_FIRST <= number <= _SERIAL_LAST and number == value:
            # A date in a cell formatted as General (or typed as its number): Excel's day count.
            return Parsed(_EXCEL_EPOCH + dt.timedelta(days=number))
        return Parsed(None, "bad_date")
    raw = text(value)
    if raw is None:
        return Parsed(None)
    if raw in UNDECIDED:
        return Parsed(None, "undecided")
    planned = _PLANNED.match(raw)
    if planned:  # 2026/1/13予定, R8.1.13（予定）, 2026年1月13日頃: the date written, said to be planned or rough
        raw = planned.group(1)
    timed = _WITH_TIME.match(digits(raw).strip())
    folded = (timed.group(1) if timed else digits(raw)).translate(_FULLWIDTH_ERA).replace(" ", "")
    fiscal = _fiscal_year(folded)
    if fiscal is not None:
        return fiscal
    weekday = _WEEKDAY.match(folded)
    if weekday:
        parsed = _parse_day(weekday.group(1))
        if parsed.value is None or parsed.problem is not None:
            return Parsed(None, "bad_date")
        # The weekday is read as a check of the date: one that does not fit says the date is mistyped.
        fits = _WEEKDAYS[parsed.value.weekday()] == weekday.group(2)
        return parsed if fits else Parsed(None, "bad_date")
    part = _MONTH_PART.match(folded)
    if part:
        # 2026年1月中旬: the last day of that third of the month (10th, 20th, month end), said as such.
        month = _parse_folded(part.group(1))
        if month.value is None or month.problem != "month_only":
            return Parsed(None, "bad_date")
        last = month.value.replace(day={"上": 10, "初": 10, "中": 20}.get(part.group(2), month.value.day))
        return Parsed(last, "month_part", {"date": last.isoformat()})
    return _parse_day(folded)


def _parse_day(folded: str) -> Parsed[dt.date]:
    """A folded date without its weekday: :func:`_parse_folded`, and 令和8年3月末, 2026年3月末(日) as the month's
    last day, as written (not a day left out)."""
    month_end = folded.endswith(("月末", "月末日"))
    folded = folded[: folded.rindex("月") + 1] if month_end else folded
    parsed = _parse_folded(folded)
    if month_end and parsed.problem == "month_only":
        return Parsed(parsed.value)
    return parsed


def _fiscal_year(folded: str) -> Parsed[dt.date] | None:
    """令和7年度末, 2025年度, FY2025: the last day of the fiscal year (31 March of the next year), problem
    ``fiscal_year`` so that it is said; None when ``folded`` is no fiscal year."""
    match = _FISCAL.match(folded)
    if match is None:
        return None
    era, era_year, letter, letter_year, western, fy = match.groups()
    if western or fy:
        year = int(western or fy)
    else:
        name = era or _ERA_LETTERS[letter.upper()]
        number = era_year or letter_year
        year = _ERAS[name][0] + (1 if number == "元" else int(number))
        following = _ERA_ORDER.index(name) + 1
        end = _ERAS[_ERA_ORDER[following]][1] if following < len(_ERA_ORDER) else None
        if dt.date(year + 1, 3, 31) < _ERAS[name][1] or (end is not None and dt.date(year, 4, 1) >= end):
            # 平成32年度, 昭和64年度, 令和0年度: no day of that fiscal year is in the era, as 平成32年3月 is not.
            return Parsed(None, "era_range", {"era": name})
    last = dt.date(year + 1, 3, 31)
    return Parsed(last, "fiscal_year", {"date": last.isoformat()})


def _parse_folded(folded: str) -> Parsed[dt.date]:
    match = _WESTERN.match(folded)
    if match:
        day = int(match.group(3)) if match.group(3) else None
        return _make(int(match.group(1)), int(match.group(2)), day)
    match = _COMPACT.match(folded)
    if match:
        return _make(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = _ERA_KANJI.match(folded)
    if match:
        day = int(match.group(4)) if match.group(4) else None
        return _era(match.group(1), match.group(2), int(match.group(3)), day)
    match = _ERA_LETTER.match(folded)
    if match:
        day = int(match.group(4)) if match.group(4) else None
        return _era(_ERA_LETTERS[match.group(1).upper()], match.group(2), int(match.group(3)), day)
    return Parsed(None, "bad_date")


def parse_flag(value: object) -> Parsed[bool]:
    """Read ○/〇/有/あり/対象/✓/レ/1/yes as true and ×/－/無/なし/該当なし/☐/0/no as false; an empty cell is false."""
    if value is None:
        return Parsed(False)
    if isinstance(value, bool):
        return Parsed(value)
    raw = text(value)
    if raw is None:
        return Parsed(False)
    key = digits(raw).casefold()
    if key in _TRUE:
        return Parsed(True)
    if key in _FALSE:
        return Parsed(False)
    return Parsed(None, "bad_flag")


def parse_count(value: object) -> Parsed[int]:
    """Read a count: ``1234``, ``1,234件``, ``約１２００人``; an empty cell gives ``None``."""
    if value is None or isinstance(value, bool):
        return Parsed(None)
    if isinstance(value, int):
        return Parsed(value) if value >= 0 else Parsed(None, "bad_count")
    if isinstance(value, float):
        return Parsed(int(value)) if value.is_integer() and value >= 0 else Parsed(None, "bad_count")
    raw = text(value)
    if raw is None:
        return Parsed(None)
    if raw in UNDECIDED:
        return Parsed(None, "undecided")
    folded = digits(raw).replace(" ", "")
    match = _COUNT.match(folded)
    if not match:
        return _count_in_units(folded)
    if not re.fullmatch(r"[0-9]{1,3}(,[0-9]{3})*|[0-9]+", match.group(1)):
        return Parsed(None, "bad_count")
    return Parsed(int(match.group(1).replace(",", "")))


_UNITS = re.compile(r"^約?(?:([0-9][0-9,]*(?:\.[0-9]+)?)万)?(?:([0-9][0-9,]*(?:\.[0-9]+)?)千)?([0-9][0-9,]*)?"
                    r"(?:件|人|世帯|レコード|records?)?$")


def _count_in_units(folded: str) -> Parsed[int]:
    """A count written with 万 and 千 (``約12万件``, ``1.5万人``, ``12万3,456件``); a whole number only."""
    match = _UNITS.match(folded)
    if not match or not (match.group(1) or match.group(2)):
        return Parsed(None, "bad_count")
    total = Fraction(0)
    above = None  # the unit of the part before: what follows 万 stays under 10,000, what follows 千 under 1,000
    for part, factor in zip(match.groups(), (10_000, 1_000, 1), strict=True):
        if part is None:
            continue
        whole = part.split(".")[0]
        value = Fraction(part.replace(",", ""))
        if not re.fullmatch(r"[0-9]{1,3}(,[0-9]{3})*|[0-9]+", whole) or (factor == 1 and "." in part) \
                or (above is not None and value * factor >= above):
            return Parsed(None, "bad_count")
        total += value * factor
        above = factor
    return Parsed(int(total)) if total.denominator == 1 else Parsed(None, "bad_count")


def lg_check_digit(first5: str) -> str:
    """Check digit of a 全国地方公共団体コード from its first five digits (weights 6,5,4,3,2; FACTS §4)."""
    digit = lg_code_check_digit(first5)
    if digit is None:
        raise ValueError(f"not five digits: {first5!r}")
    return str(digit)


def parse_lg_code(value: object) -> Parsed[str]:
    """Read a 6-digit 団体コード and verify its check digit.

    A number of 5 digits is a 6-digit code whose leading zero Excel dropped (``11002`` → ``011002``); a
    5-digit *text* is a code written without its check digit, which is added (problem ``completed``).
    """
    if value is None or isinstance(value, bool):
        return Parsed(None)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not value.is_integer():
            return Parsed(None, "bad_code")
        raw = str(int(value))
        raw = raw.zfill(6) if len(raw) == 5 else raw
    else:
        found = text(value)
        if found is None:
            return Parsed(None)
        raw = digits(found).replace("-", "").replace(" ", "")
    if not re.fullmatch(r"[0-9]{5,6}", raw):
        return Parsed(None, "bad_code")
    if len(raw) == 5:
        return Parsed(raw + lg_check_digit(raw), "completed")
    expected = lg_check_digit(raw[:5])
    if raw[5] != expected:
        return Parsed(None, "check_digit", {"expected": expected})
    return Parsed(raw)


def given_lg_code(value: str | None, *, name: str = "--municipality") -> str | None:
    """A 団体コード a person gave (a command-line option, a manifest's column), read as the inventory reads the
    団体コード of its workbooks (:func:`parse_lg_code`): full-width digits folded, surrounding spaces and
    separators dropped, five digits completed with their check digit (``１３２０１`` → ``132012``).

    Raises:
        InputError: ``value`` is no 団体コード, or its check digit is wrong (a usage error, exit 2); the message
            names ``name`` and the value.
    """
    from migrator.errors import InputError

    if value is None:
        return None
    parsed = parse_lg_code(value)
    if parsed.value is not None:
        return parsed.value
    if parsed.problem == "check_digit":
        raw = digits(value).replace("-", "").replace(" ", "").strip().strip("\u3000")
        first, expected = raw[:5], parsed.params["expected"]
        raise InputError(
            f"{name} {value!r} is not a 団体コード: the check digit of {first} is {expected}, not {raw[5]} "
            f"(is {first}{expected} meant?).",
            f"{name} {value!r} は団体コードではありません。{first} の検査数字は {raw[5]} ではなく {expected} です"
            f"（{first}{expected} ではありませんか）。")
    raise InputError(f"{name} {value!r} is not a 団体コード: give its six digits, or the first five (the check "
                     "digit is added).",
                     f"{name} {value!r} は団体コードではありません。6 桁の数字か、検査数字を除いた 5 桁で指定してください。")
