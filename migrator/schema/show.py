"""Rows for showing a table's items to a person (``migrator schema show``) and as JSON."""

from __future__ import annotations

from typing import Any

from migrator.schema.model import Item, Table
from migrator.schema.writer import item_pairs

SHOW_HEADER = ["No", "項目名", "型", "桁数", "必須", "文字種", "コード表", "検査", "参照", "対象", "機微"]


def _size(item: Item) -> str:
    if item.length is not None:
        return str(item.length) + (f",{item.scale}" if item.scale else "")
    if item.max_length is not None:
        return f"≤{item.max_length}" + (f",{item.scale}" if item.scale else "")
    return ""


def show_rows(table: Table) -> tuple[list[str], list[list[Any]]]:
    """The header and one row per item, in order."""
    rows = [
        [n, item.name, item.type, _size(item), "○" if item.required else "", item.charset or "",
         "|".join(item.code_tables), ",".join(item.checks), str(item.references or ""),
         ",".join(item.applies_to), "○" if item.sensitive else ""]
        for n, item in enumerate(table.items, start=1)
    ]
    return SHOW_HEADER, rows


def item_data(item: Item) -> dict[str, Any]:
    """An item as a JSON-ready dict of its declared attributes (as in the schema file) plus defaults."""
    data: dict[str, Any] = {"required": False, "sensitive": False}
    data.update({k: (list(v) if isinstance(v, tuple) else v) for k, v in item_pairs(item)})
    if item.code_tables:
        data["code_table"] = list(item.code_tables)
    return data


def table_data(table: Table) -> dict[str, Any]:
    return {"name": table.name, "key": list(table.key), "items": [item_data(i) for i in table.items]}
