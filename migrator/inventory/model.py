"""The inventory model: municipalities, their systems, the interfaces between systems, and vendors.

Plain frozen dataclasses, free of any storage or Excel concern: the importer builds them, the store saves
and loads them (``migrator.store.inventory_repo``), the planner reads them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

DEFAULT_DEADLINE = dt.date(2026, 3, 31)
"""End of FY2025: the original deadline for every standard-compliant system."""

SPECIAL_SUPPORT_DEADLINE = dt.date(2031, 3, 31)
"""End of FY2030: the target for 特定移行支援システム when the inventory gives no date."""


MAX_LENGTHS: dict[str, int] = {
    "municipality_name": 100, "name": 200, "current_vendor": 200, "target_vendor": 200,
    "source": 200, "target": 200, "method": 200,
}
"""The longest text the store keeps for each field (the widths of its columns); longer is an error."""


def fold_name(name: str) -> str:
    """A system or area name folded for matching only (width, case, spaces); the name kept stays as written."""
    return re.sub(r"[\s・･]+", "", unicodedata.normalize("NFKC", name)).casefold()


_SYSTEM_WORD = re.compile(r"(?:システム|system)$")


def names_system(written: str, name: str) -> bool:
    """Does an interface end ``written`` name the system called ``name``? Folded as :func:`fold_name` folds, and
    without a trailing システム on either side: 税務 and 税務システム, 住基ｼｽﾃﾑ and 住基 システム are one system."""
    a, b = fold_name(written), fold_name(name)
    if a == b:
        return True
    a, b = _SYSTEM_WORD.sub("", a), _SYSTEM_WORD.sub("", b)
    return bool(a) and a == b


@dataclass(frozen=True)
class Municipality:
    code: str
    """6-digit 全国地方公共団体コード (with its check digit)."""
    name: str
    staff: int | None = None
    """情報担当職員数: how many of the municipality's IT staff work on the migration at the same time (tasks
    the municipality owns run at most this many at once); ``None`` when not declared."""
    cells: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    """Where each field was read (``name`` → ``file sheet!B5``) while the workbook is at hand; not stored."""


@dataclass(frozen=True)
class Vendor:
    name: str
    capacity: int | None = None
    """同時作業上限: the vendor's migration teams, i.e. its tasks of any phase on one day; ``None`` when not declared."""
    notes: str | None = None
    projects: int | None = None
    """同時移行プロジェクト数: systems in migration at once (from the first target-vendor task to the cut-over)."""
    cutovers_day: int | None = None
    """本番移行上限（日）: cut-overs on one day."""
    cutovers_weekend: int | None = None
    """本番移行上限（週末）: cut-overs in one weekend (one week)."""
    cutovers_month: int | None = None
    """本番移行上限（月）: cut-overs in one calendar month."""
    cells: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    """Where each field was read (``capacity`` → ``file sheet!B5``) while the workbook is at hand; not stored."""


@dataclass(frozen=True)
class System:
    municipality_code: str
    area_code: str
    """3-digit business area number (001 住民基本台帳, 010 個人住民税, …)."""
    area_name: str
    name: str
    current_vendor: str | None = None
    target_vendor: str | None = None
    hosting: str | None = None
    contract_end: dt.date | None = None
    release_date: dt.date | None = None
    planned_date: dt.date | None = None
    record_count: int | None = None
    special_support: bool = False
    special_deadline: dt.date | None = None
    notes: str | None = None
    source: str | None = None
    """Where the row came from (``file sheet!A5``), for findings."""
    cells: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    """The cell of each field read (``planned_date`` → ``J5``) while the workbook is at hand; not stored."""

    def cell(self, fieldname: str) -> str | None:
        """Where ``fieldname`` was read (``file sheet!J5``), else where the row was read."""
        if self.source and fieldname in self.cells:
            return f"{self.source.rsplit('!', 1)[0]}!{self.cells[fieldname]}"
        return self.source

    def set_at(self, fieldname: str) -> str | None:
        """Where the value of ``fieldname`` was set (``file sheet!J5``): its own cell, or the cell of the field that
        implies it (the special-support deadline that no 特定移行支援期限 cell gives is set by the 特定移行支援 cell);
        None when no such cell was read."""
        if fieldname == "special_deadline" and (self.special_deadline is None or fieldname not in self.cells):
            fieldname = "special_support"
        return self.cell(fieldname) if self.source and fieldname in self.cells else None

    def deadline_at(self) -> str | None:
        """Where the deadline a cut-over is held to comes from: the 特定移行支援期限 or 特定移行支援 cell of a
        special-support system, else (FY2025's end, or a plan's own deadline, is no cell's) the 移行予定日 cell the
        deadline is weighed against; the row when neither was read."""
        return self.set_at("special_deadline" if self.special_support else "planned_date") or self.source

    @property
    def key(self) -> tuple[str, str, str]:
        """Natural key: 団体コード + 業務 + システム名."""
        return (self.municipality_code, self.area_code, self.name)

    @property
    def deadline(self) -> dt.date:
        """The date by which the system must run on the standard: FY2025 end, or the 特定移行支援 date."""
        if self.special_support:
            return self.special_deadline or SPECIAL_SUPPORT_DEADLINE
        return DEFAULT_DEADLINE


@dataclass(frozen=True)
class Interface:
    municipality_code: str
    source: str
    """The sending end as written (a system name or a business area name)."""
    target: str
    method: str = ""
    """ファイル, API or DB."""
    frequency: str | None = None
    notes: str | None = None
    origin: str | None = None
    """Where the row came from (``file sheet!A5``), for findings."""
    cells: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    """The cell of each field read in the sheet of ``origin`` (``source`` → ``B5``, ``target`` → ``C5``; for a
    system list's 連携先 column, the system's name and the 連携先 cell)."""

    def cell(self, fieldname: str) -> str | None:
        """Where ``fieldname`` was read (``file sheet!C5``), else where the row was read."""
        if self.origin and fieldname in self.cells:
            return f"{self.origin.rsplit('!', 1)[0]}!{self.cells[fieldname]}"
        return self.origin


@dataclass(frozen=True)
class Inventory:
    municipalities: tuple[Municipality, ...] = ()
    systems: tuple[System, ...] = ()
    interfaces: tuple[Interface, ...] = ()
    vendors: tuple[Vendor, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)

    def vendor(self, name: str | None) -> Vendor | None:
        if name is None:
            return None
        return next((v for v in self.vendors if v.name == name), None)
