"""The mapping model: one legacy table → one standard table, as frozen dataclasses.

A :class:`Mapping` is what one mapping workbook (or its YAML form) declares: settings (概要), one
:class:`ItemRow` per standard item (項目対応), code conversion entries (コード変換) and an optional 外字 table
(外字対応). Each row keeps the places it was read from (``cells``) so that every finding names ``sheet!cell``
(or ``file:line`` for YAML); places are not part of equality.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from migrator.location import Location

if TYPE_CHECKING:
    from migrator.report import Finding

EXCLUDED = "対象外"

# Settings keys of the 概要 sheet, in the order they are written, with accepted English aliases.
SETTING_KEYS: dict[str, tuple[str, ...]] = {
    "マッピングID": ("mapping id", "mapping_id", "id"),
    "標準スキーマ": ("standard schema", "standard_schema"),
    "標準テーブル": ("standard table", "standard_table"),
    "現行スキーマ": ("legacy schema", "legacy_schema"),
    "現行テーブル": ("legacy table", "legacy_table"),
    "文字コード": ("encoding", "character encoding", "エンコーディング"),
    "版": ("version",),
    "更新日": ("updated", "last updated", "date"),
    "照合キー": ("reconciliation key", "reconcile key"),
    "照合集計": ("reconciliation totals", "reconcile totals"),
    "外字方針": ("gaiji policy", "unmapped gaiji"),
}
# The settings that name a schema or a table: each may be written twice, by name and by ID (現行テーブル名 for
# people, 現行テーブルID for the machine), and the lookup takes the one that names what exists.
NAME_SETTINGS = ("標準スキーマ", "標準テーブル", "現行スキーマ", "現行テーブル")
# Keys of free remarks on the 概要 sheet: kept as written, never reported as unknown settings.
REMARK_KEYS = ("備考", "メモ", "注記", "コメント", "note", "notes", "remarks", "memo", "comment")
# 外字方針: what happens to a row whose converted value still holds a 外字 (a private-use character) that the
# 外字対応 sheet does not map. The default rejects the row; keeping it must be written down and is reported.
GAIJI_POLICIES: dict[str, tuple[str, ...]] = {"除外": ("reject",), "残す": ("keep",)}


def gaiji_policy(value: str | None) -> str | None:
    """The canonical 外字方針 (``除外`` or ``残す``) of a setting value; ``除外`` when unset, None if unknown."""
    text = (value or "").strip()
    if not text:
        return "除外"
    for name, aliases in GAIJI_POLICIES.items():
        if text == name or text.casefold() in aliases:
            return name
    return None
REQUIRED_SETTINGS = ("マッピングID", "標準スキーマ", "標準テーブル")

ITEM_FIELDS = ("no", "standard", "legacy", "transform", "default", "note")
CODE_FIELDS = ("table", "legacy", "standard", "note")
GAIJI_FIELDS = ("legacy", "standard", "mj_name", "note")


def _places() -> dict[str, Location]:
    return {}


@dataclass(frozen=True)
class ItemRow:
    """One row of 項目対応: how one standard item is produced.

    ``legacy`` lists the legacy item names (several are concatenated unless the transform says otherwise);
    ``excluded`` is an explicit 対象外 (the reason belongs in ``note``).
    """

    standard: str
    legacy: tuple[str, ...] = ()
    transform: str | None = None
    default: str | None = None
    note: str | None = None
    excluded: bool = False
    no: int | None = None
    cells: dict[str, Location] = field(default_factory=_places, compare=False, hash=False, repr=False)

    def place(self, name: str) -> Location:
        """Where field ``name`` was read (falls back to the row's standard-item cell)."""
        return self.cells.get(name) or self.cells.get("standard") or Location()

    @property
    def has_source(self) -> bool:
        return bool(self.legacy or self.transform or self.default)


@dataclass(frozen=True)
class CodeEntry:
    """One row of コード変換: legacy value → standard value in code table ``table``."""

    table: str
    legacy: str
    standard: str
    note: str | None = None
    cells: dict[str, Location] = field(default_factory=_places, compare=False, hash=False, repr=False)

    def place(self, name: str) -> Location:
        return self.cells.get(name) or self.cells.get("table") or Location()


@dataclass(frozen=True)
class GaijiEntry:
    """One row of 外字対応: a legacy character (or ``U+E001``) and its standard character."""

    legacy: str
    standard: str
    mj_name: str | None = None
    note: str | None = None
    cells: dict[str, Location] = field(default_factory=_places, compare=False, hash=False, repr=False)

    def place(self, name: str) -> Location:
        return self.cells.get(name) or self.cells.get("legacy") or Location()


@dataclass(frozen=True)
class Mapping:
    """One legacy table → one standard table."""

    id: str
    standard_schema: str
    standard_table: str
    legacy_schema: str | None = None
    legacy_table: str | None = None
    encoding: str | None = None
    path: Path | None = field(default=None, compare=False)
    settings: dict[str, str] = field(default_factory=dict, hash=False)
    setting_variants: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict, hash=False)
    """A schema or table setting written under several keys (``現行テーブル名``, ``現行テーブルID``): every
    (key as written, value), the first as in ``settings``."""
    items: tuple[ItemRow, ...] = ()
    codes: tuple[CodeEntry, ...] = ()
    gaiji: tuple[GaijiEntry, ...] = ()
    setting_cells: dict[str, Location] = field(default_factory=_places, compare=False, hash=False, repr=False)
    sheet_cells: dict[str, Location] = field(default_factory=_places, compare=False, hash=False, repr=False)
    variant_cells: dict[str, Location] = field(default_factory=_places, compare=False, hash=False, repr=False)
    """Where each key of ``setting_variants`` was read, by the key as written."""

    @property
    def code_table_names(self) -> tuple[str, ...]:
        """The code tables of コード変換, in first-appearance order."""
        return tuple(dict.fromkeys(e.table for e in self.codes))

    def code_table(self, name: str) -> dict[str, str]:
        """Legacy value → standard value of code table ``name`` (first entry wins)."""
        out: dict[str, str] = {}
        for entry in self.codes:
            if entry.table == name:
                out.setdefault(entry.legacy, entry.standard)
        return out

    def setting_place(self, key: str) -> Location:
        return self.setting_cells.get(key) or self.sheet_cells.get("概要") or Location(
            file=str(self.path) if self.path else None)

    def setting_options(self, key: str, value: str | None) -> tuple[tuple[str, str, Location], ...]:
        """The values a schema or table setting ``key`` was given, as (key as written, value, place): every
        variant when it was written under several keys and ``value`` is still the first, else ``value`` alone."""
        variants = self.setting_variants.get(key, ())
        if variants and variants[0][1] == value:
            return tuple((w, v, self.variant_cells.get(w) or self.setting_place(key)) for w, v in variants)
        return ((key, value, self.setting_place(key)),) if value else ()

    def item(self, standard: str) -> ItemRow | None:
        return next((r for r in self.items if r.standard == standard), None)


class MappingSettings(TypedDict):
    """The typed settings fields of :class:`Mapping`, as keyword arguments."""

    id: str
    standard_schema: str
    standard_table: str
    legacy_schema: str | None
    legacy_table: str | None
    encoding: str | None


def settings_from(values: dict[str, str]) -> MappingSettings:
    """The typed settings fields of :class:`Mapping` from the 概要 key/values."""
    return {
        "id": values.get("マッピングID", ""),
        "standard_schema": values.get("標準スキーマ", ""),
        "standard_table": values.get("標準テーブル", ""),
        "legacy_schema": values.get("現行スキーマ") or None,
        "legacy_table": values.get("現行テーブル") or None,
        "encoding": values.get("文字コード") or None,
    }


def _fold_key(key: str) -> str:
    """A 概要 key folded for comparison: width and case, spaces and ``_``, a bracketed remark, the brackets, ``：``
    and ``※`` around it (``【マッピングＩＤ】：`` = ``マッピングid``, ``文字コード（エンコーディング）`` = ``文字コード``)."""
    folded = unicodedata.normalize("NFKC", key).casefold()
    folded = re.sub(r"[\s_]+", "", folded).strip(":*※・.")
    folded = re.sub(r"(?<=.)\([^()]*\)$", "", folded)
    return folded.strip("【】[]()<>〈〉《》:*※・.")


def canonical_setting(key: str) -> str:
    """The Japanese key of a 概要 key written in Japanese or as an English alias, in any width, with brackets, a
    colon or a remark around it, or with ID/名 after a schema or table (``現行スキーマID``, ``現行テーブル名``);
    unknown keys as written (stripped)."""
    text = key.strip()
    folded = _fold_key(text)
    for name, aliases in SETTING_KEYS.items():
        names = {_fold_key(n) for n in (name, *aliases)}
        if folded in names:
            return name
        if name.endswith(("スキーマ", "テーブル")) and re.sub(r"(id|名|名称|name)$", "", folded) in names:
            return name
    return text


def is_remark_key(key: str) -> bool:
    """Whether a 概要 key is a free remark (備考, メモ …), kept as written and never reported as unknown."""
    return _fold_key(key) in {_fold_key(k) for k in REMARK_KEYS}


class SettingsReader:
    """The 概要 key/values as they are read, in order: the first value of each setting wins, except that a schema
    or table written under several keys (``現行テーブル名`` and ``現行テーブルID``) keeps every one for the lookup
    to choose from; keys that are no setting (and no remark) are collected to be reported, and so is a setting
    given again that is not used (the same key twice, or ``文字コード`` and ``encoding`` with different values)."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.places: dict[str, Location] = {}
        self.variants: dict[str, tuple[tuple[str, str], ...]] = {}
        self.variant_cells: dict[str, Location] = {}
        self.unknown: list[tuple[str, Location]] = []
        self.repeated: list[tuple[str, tuple[str, str, Location], tuple[str, str, Location]]] = []
        self._written: dict[str, str] = {}
        self._first: dict[tuple[str, str], tuple[str, str, Location]] = {}  # (setting, folded key) → first given

    def add(self, written: str, value: str, place: Location, key_place: Location | None = None) -> None:
        """Read one key/value; ``key_place`` is where the key was written (an unknown key is named there)."""
        written = written.strip()
        key = canonical_setting(written)
        if key not in SETTING_KEYS and not is_remark_key(written):
            self.unknown.append((written, key_place or place))
        folded = _fold_key(written)
        given = (written, value, place)
        if key not in self.values:
            self.values[key], self.places[key], self._written[key] = value, place, written
            self._first[key, folded] = given
            return
        if key not in SETTING_KEYS:
            return  # a remark, or a key reported as no setting
        if (key, folded) in self._first:  # the same key twice: the first is read, the second said (MAP024)
            self.repeated.append((key, self._first[key, folded], given))
            return
        if key not in NAME_SETTINGS:
            if value != self.values[key]:  # 文字コード and encoding disagree: the first is read
                self.repeated.append((key, (self._written[key], self.values[key], self.places[key]), given))
            return
        self._first[key, folded] = given
        variants = self.variants.get(key) or ((self._written[key], self.values[key]),)
        if len(variants) == 1:
            self.variant_cells[variants[0][0]] = self.places[key]
        self.variants[key] = (*variants, (written, value))
        self.variant_cells[written] = place

    def findings(self) -> list[Finding]:
        """What the reader has to say: MAP022 for each key that is no setting, MAP024 for each setting given again
        and not used (at the cell of the value left unused, naming both cells and the value used)."""
        from migrator.i18n import shorten
        from migrator.mapping.compiler import source_of
        from migrator.report import make_finding

        out = self.unknown_findings()
        for key, (first_key, first_value, first), (second_key, second_value, second) in self.repeated:
            out.append(make_finding("MAP024", second, key=key, first_key=first_key, first=source_of(first),
                                    first_value=shorten(first_value), second_key=second_key,
                                    second=source_of(second), second_value=shorten(second_value)))
        return out

    def unknown_findings(self) -> list[Finding]:
        """MAP022 for each key that is no setting, with the setting it is closest to."""
        from migrator.mapping.compiler import _hint
        from migrator.report import make_finding

        known = [name for key, aliases in SETTING_KEYS.items() for name in (key, *aliases)]
        out = []
        for written, place in self.unknown:
            hint, hint_ja = _hint(_fold_key(written), known)
            out.append(make_finding("MAP022", place, key=written, hint=hint, hint_ja=hint_ja))
        return out
