"""Comparing two versions of a schema: what a new 版 adds, removes, renames and changes.

Items are matched by name; an old item that disappeared and a new item that appeared at the same
position with the same type count as a rename. Code tables are compared by name when both versions have
them. Every change is a :class:`Change`; :func:`diff_report` turns them into findings (``SCH2xx``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from migrator.location import Location
from migrator.report import Finding, Report, make_finding
from migrator.schema.model import Item, Schema, Table, attribute_ja

# Attributes compared beyond type, length, required and code table (reported as SCH214).
OTHER_ATTRIBUTES = ("scale", "charset", "pattern", "checks", "references", "sensitive", "applies_to",
                    "unknown_flag", "unknown_text", "format", "start", "id", "column")


@dataclass(frozen=True)
class Change:
    """One difference. ``code`` is its finding code; ``old``/``new`` are display texts."""

    code: str
    table: str | None = None
    item: str | None = None
    attribute: str | None = None
    old: str | None = None
    new: str | None = None
    code_value: str | None = None
    label: str | None = None
    line: int | None = None

    def to_finding(self, file: str | None) -> Finding:
        params: dict[str, Any] = {"table": self.table, "old": self.old, "new": self.new,
                                  "attribute": self.attribute, "code_value": self.code_value, "label": self.label,
                                  "attribute_ja": None if self.attribute is None else attribute_ja(self.attribute)}
        fill: dict[str, Any] = {k: ("-" if v is None else v) for k, v in params.items()}
        return make_finding(self.code, Location(file=file, line=self.line), item=self.item, **fill)


def _show(value: Any) -> str:
    if value is None or value == ():
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "|".join(map(str, value))
    return str(value)


def _item_changes(table: str, old: Item, new: Item) -> list[Change]:
    out: list[Change] = []
    at: dict[str, Any] = {"table": table, "item": new.name, "line": new.line}
    if old.type != new.type:
        out.append(Change("SCH204", old=old.type, new=new.type, **at))
    if (old.length, old.max_length) != (new.length, new.max_length):
        out.append(Change("SCH205", old=_size(old), new=_size(new), **at))
    if old.required != new.required:
        out.append(Change("SCH206", old=_show(old.required), new=_show(new.required), **at))
    if old.code_tables != new.code_tables:
        out.append(Change("SCH207", old=_show(old.code_tables), new=_show(new.code_tables), **at))
    for attr in OTHER_ATTRIBUTES:
        a, b = getattr(old, attr), getattr(new, attr)
        if a != b:
            out.append(Change("SCH214", attribute=attr, old=_show(a), new=_show(b), **at))
    return out


def _size(item: Item) -> str:
    if item.length is not None:
        return str(item.length)
    return f"≤{item.max_length}" if item.max_length is not None else "-"


def _table_changes(old: Table, new: Table) -> list[Change]:
    out: list[Change] = []
    old_names, new_names = old.item_names, new.item_names
    removed = [n for n in old_names if n not in new_names]
    added = [n for n in new_names if n not in old_names]
    renamed: dict[str, str] = {}
    for name in removed:
        pos = old_names.index(name)
        if (pos < len(new_names) and new_names[pos] in added and new_names[pos] not in renamed.values()
                and old.item(name).type == new.item(new_names[pos]).type):
            renamed[name] = new_names[pos]
    if old.key != new.key:
        out.append(Change("SCH212", table=new.name, old=_show(old.key), new=_show(new.key), line=new.line))
    for name in removed:
        if name in renamed:
            target = new.item(renamed[name])
            out.append(Change("SCH203", table=new.name, item=target.name, old=name, new=target.name,
                              line=target.line))
            out += _item_changes(new.name, old.item(name), target)
        else:
            out.append(Change("SCH202", table=new.name, item=name, line=new.line))
    for name in added:
        if name not in renamed.values():
            out.append(Change("SCH201", table=new.name, item=name, line=new.item(name).line))
    for name in new_names:
        if name in old_names:
            out += _item_changes(new.name, old.item(name), new.item(name))
    return out


def diff_schemas(old: Schema, new: Schema) -> list[Change]:
    """Return every change from ``old`` to ``new``: tables, items, attributes, code values."""
    out: list[Change] = []
    old_tables = {t.name: t for t in old.tables}
    new_tables = {t.name: t for t in new.tables}
    for name in old_tables:
        if name not in new_tables:
            out.append(Change("SCH211", table=name))
    for name, table in new_tables.items():
        if name not in old_tables:
            out.append(Change("SCH210", table=name, line=table.line))
        else:
            out += _table_changes(old_tables[name], table)
    for name, new_ct in new.code_tables.items():
        old_ct = old.code_tables.get(name)
        if old_ct is None:
            continue
        old_values, new_values = dict(old_ct.values), dict(new_ct.values)
        for code, label in old_ct.values:
            if code not in new_values:
                out.append(Change("SCH209", table=name, code_value=code, label=label, line=new_ct.line))
        for code, label in new_ct.values:
            if code not in old_values:
                out.append(Change("SCH208", table=name, code_value=code, label=label, line=new_ct.line))
            elif old_values[code] != label:
                out.append(Change("SCH213", table=name, code_value=code, old=old_values[code], new=label,
                                  line=new_ct.line))
    return out


def diff_report(old: Schema, new: Schema, *, old_name: str | None = None, new_name: str | None = None) -> Report:
    """The changes from ``old`` to ``new`` as a report (one ``SCH215`` info finding when there are none)."""
    old_name = old_name or str(old.path or old.id)
    new_name = new_name or str(new.path or new.id)
    file = str(new.path) if new.path else None
    changes = diff_schemas(old, new)
    findings = [c.to_finding(file) for c in changes]
    if not findings:
        findings = [make_finding("SCH215", Location(file=file), old=old_name, new=new_name)]
    summary = {"old": old_name, "new": new_name, "changes": len(changes)}
    return Report.of("schema diff", findings, subject=f"{old_name} → {new_name}", summary=summary)
