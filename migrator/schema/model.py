"""The schema model: business-area schemas, their tables, items and code tables, as frozen dataclasses.

A :class:`Schema` is what one ``schemas/**/*.yaml`` file declares. Repeated items (``続柄コード`` × 4)
are already expanded here (``続柄コード1`` … ``続柄コード4``), so every consumer sees plain items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

FORMAT = "migrator.schema/1"
KINDS = ("standard", "legacy", "layout")
ITEM_TYPES = ("string", "integer", "decimal", "date", "datetime", "code", "flag")
CHARSETS = ("digits", "alnum", "kana_full", "kana_half", "jis_x0208", "jis_x0213", "mj", "any")
NAMED_CHECKS = ("mynumber", "lg_code", "corporate_number", "m11w27", "residence_card", "postal_code")
APPLIES_TO = ("日本人住民", "外国人住民")
RULE_KINDS = ("required_if", "empty_if", "date_order", "code_consistency")
FILE_FORMATS = ("csv", "fixed", "xlsx")
DATE_RULES = ("calendar", "koseki")
"""``calendar``: a real calendar date. ``koseki``: also what 戸籍 may record (住民記録システム標準仕様書 1.1.8):
a non-calendar day (2月29日 of a common year), 明治45年7月30日 and 大正15年12月25日, and 不詳日."""
STANDARD_PROFILE = "standard"

# An item's attributes as Japanese messages name them (the schema file's key follows in brackets).
_ATTRIBUTES_JA = {
    "name": "項目名", "type": "型", "length": "桁数", "max_length": "最大桁数", "scale": "小数桁", "required": "必須",
    "nullable": "NULL 可", "charset": "文字種", "code_table": "コード表", "pattern": "正規表現", "checks": "検査",
    "references": "参照先", "sensitive": "機微情報", "applies_to": "対象", "unknown_flag": "不明フラグの項目",
    "unknown_text": "不明時の記載の項目", "format": "書式", "start": "開始位置", "id": "項目 ID", "column": "カラム名", "key": "主キー",
}


def attribute_ja(name: str) -> str:
    """An item attribute named for a Japanese message: ``小数桁 (scale)``; an unknown one as it is."""
    ja = _ATTRIBUTES_JA.get(name)
    return name if ja is None else f"{ja} ({name})"


@dataclass(frozen=True)
class Provenance:
    """Where a schema comes from and whether someone checked it against the official text."""

    source: str
    verified: bool = False
    note: str | None = None


@dataclass(frozen=True)
class CodeTable:
    """A closed list of codes with their labels (``性別``: 0 不明, 1 男, 2 女)."""

    name: str
    values: tuple[tuple[str, str], ...]
    description: str | None = None
    line: int | None = field(default=None, compare=False)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.values)

    def label(self, code: str) -> str | None:
        return dict(self.values).get(code)


@dataclass(frozen=True)
class Reference:
    """A reference from an item to the key item of another table (possibly in another schema)."""

    table: str
    item: str
    schema: str | None = None

    def __str__(self) -> str:
        head = f"{self.schema}:" if self.schema else ""
        return f"{head}{self.table}.{self.item}"


@dataclass(frozen=True)
class Item:
    """One data item. ``name`` is the item name exactly as the standard (or the vendor) writes it.

    ``length`` is an exact length, ``max_length`` an upper bound, in characters; in a fixed-width
    table ``start`` (1-based) and ``length`` count CP932 *bytes*. ``code_tables`` holds one name, or several when the value range
    selects the table (異動事由: 記載の事由 | 消除の事由 | 修正の事由). ``column`` is the physical name in
    an extract (CSV header or database column) when it differs from ``name``.
    """

    name: str
    type: str
    id: str | None = None
    column: str | None = None
    length: int | None = None
    max_length: int | None = None
    scale: int | None = None
    required: bool = False
    charset: str | None = None
    code_tables: tuple[str, ...] = ()
    pattern: str | None = None
    checks: tuple[str, ...] = ()
    references: Reference | None = None
    sensitive: bool = False
    applies_to: tuple[str, ...] = ()
    unknown_flag: str | None = None
    unknown_text: str | None = None
    format: str | None = None
    start: int | None = None
    description: str | None = None
    dates: str | None = None
    dates_when: Condition | None = None
    new_number_checks: tuple[str, ...] = ()
    basis: tuple[tuple[str, str], ...] = ()
    line: int | None = field(default=None, compare=False)

    @property
    def code_table(self) -> str | None:
        """The single code table name (the first one if the item draws on several)."""
        return self.code_tables[0] if self.code_tables else None

    @property
    def size(self) -> int | None:
        """The exact or maximum length, whichever is declared."""
        return self.length if self.length is not None else self.max_length

    @property
    def date_rule(self) -> str:
        """``koseki`` when the item may hold what 戸籍 records (possibly only when ``dates_when`` holds)."""
        return self.dates or "calendar"

    def basis_of(self, prop: str) -> str | None:
        """The section of the specification a property of the item follows (``required`` → ``1.1.6``)."""
        return dict(self.basis).get(prop)


@dataclass(frozen=True)
class Condition:
    """``item`` has one of ``values``; or (``values`` empty) ``item`` is present (not empty)."""

    item: str
    values: tuple[str, ...] = ()

    def describe(self) -> str:
        return f"{self.item} in {list(self.values)}" if self.values else f"{self.item} present"


@dataclass(frozen=True)
class Rule:
    """A cross-item rule from a closed set.

    - ``required_if``: ``item`` must be filled when ``when`` holds.
    - ``empty_if``: ``item`` must be empty when ``when`` holds.
    - ``date_order``: ``earlier`` <= ``later`` when both are filled.
    - ``code_consistency``: ``when`` implies ``then`` (and the converse when ``both_ways``);
      住民状態 3 ⇔ 異動事由 23.
    """

    kind: str
    item: str | None = None
    when: Condition | None = None
    then: Condition | None = None
    earlier: str | None = None
    later: str | None = None
    both_ways: bool = False
    description: str | None = None
    basis: str | None = None
    line: int | None = field(default=None, compare=False)

    @property
    def items(self) -> tuple[str, ...]:
        """Every item name the rule mentions."""
        names = [self.item, self.earlier, self.later]
        names += [c.item for c in (self.when, self.then) if c is not None]
        return tuple(n for n in names if n)


@dataclass(frozen=True)
class FileLayout:
    """How a legacy table is stored in an extract file."""

    format: str = "csv"
    encoding: str = "utf-8"
    header: bool = True
    delimiter: str = ","
    record_length: int | None = None


@dataclass(frozen=True)
class Table:
    """One table: its items in order, its key, its cross-item rules."""

    name: str
    items: tuple[Item, ...]
    key: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    description: str | None = None
    file: FileLayout | None = None
    line: int | None = field(default=None, compare=False)

    @property
    def item_names(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.items)

    def item(self, name: str) -> Item:
        """Return the item called ``name``; ``KeyError`` if there is none."""
        for item in self.items:
            if item.name == name:
                return item
        raise KeyError(f"table {self.name} has no item {name!r}")

    def has_item(self, name: str) -> bool:
        return any(i.name == name for i in self.items)


@dataclass(frozen=True)
class Profile:
    """A named set of checks stricter than the standard, which a municipality may choose (``--profile``).

    ``required`` lists items (``TABLE.ITEM``) that must not be blank; ``checks`` adds named checks to items,
    typically the check digit of 宛名番号/世帯番号 on existing numbers as well as new ones.
    """

    name: str
    description: str | None = None
    required: tuple[str, ...] = ()
    checks: tuple[tuple[str, tuple[str, ...]], ...] = ()
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Schema:
    """One schema file: a standard data set, a legacy layout or an intermediate layout."""

    id: str
    kind: str
    title: str
    version: str
    provenance: Provenance
    tables: tuple[Table, ...]
    code_tables: dict[str, CodeTable] = field(default_factory=dict, hash=False, compare=True)
    business_area: str | None = None
    description: str | None = None
    path: Path | None = field(default=None, compare=False)
    format: str = FORMAT
    profiles: dict[str, Profile] = field(default_factory=dict, hash=False, compare=True)
    profile: str = STANDARD_PROFILE

    @property
    def table_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tables)

    def table(self, name: str | None = None) -> Table:
        """Return the table called ``name`` (the only table when ``name`` is None); ``KeyError`` otherwise."""
        if name is None:
            if len(self.tables) == 1:
                return self.tables[0]
            raise KeyError(f"schema {self.id} has {len(self.tables)} tables; name one of {list(self.table_names)}")
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(f"schema {self.id} has no table {name!r}")

    def code_table(self, name: str) -> CodeTable:
        return self.code_tables[name]
