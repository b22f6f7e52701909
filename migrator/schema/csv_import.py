"""Building a schema from a CSV item list and a CSV code list (the shape of published item lists).

Item list columns: ``no, key, item_name, type, max_length, required, code_table, applies_to, note``
(``key`` = ``key`` marks key items, ``required`` = ``yes``/``no``, several code tables joined by ``|``).
Code list columns: ``code_table, code, name``. Values are kept exactly as written (no normalization).
"""

from __future__ import annotations

import csv
from pathlib import Path

from migrator.errors import InputError
from migrator.location import Location
from migrator.schema.model import CodeTable, Item, Provenance, Schema, Table

ITEM_COLUMNS = ("no", "key", "item_name", "type", "max_length", "required", "code_table", "applies_to", "note")
CODE_COLUMNS = ("code_table", "code", "name")


def _rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        with Path(path).open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(f"Missing columns: {', '.join(missing)}.", f"列がありません: {', '.join(missing)}。",
                                 location=Location(file=str(path), line=1))
            return [(i + 2, row) for i, row in enumerate(reader)]
    except FileNotFoundError:
        raise InputError("File not found.", "ファイルが見つかりません。", location=Location(file=str(path))) from None


def schema_from_item_list(items_csv: Path, codes_csv: Path, *, schema_id: str, title: str, table: str,
                          business_area: str, version: str, source: str) -> Schema:
    """Return a one-table standard schema (``verified: false``) from an item list and a code list.

    Raises:
        InputError: a file is missing, lacks a column, or a length is not a number (names file and line).
    """
    items: list[Item] = []
    key: list[str] = []
    for line, row in _rows(items_csv, ITEM_COLUMNS):
        name = row["item_name"]
        raw_len = (row["max_length"] or "").strip()
        if raw_len and not raw_len.isdigit():
            raise InputError(f"max_length {raw_len!r} is not a number.", f"max_length {raw_len!r} が数値ではありません。",
                             location=Location(file=str(items_csv), line=line))
        items.append(Item(
            name=name,
            type=row["type"].strip(),
            max_length=int(raw_len) if raw_len and row["type"].strip() not in ("date", "flag") else None,
            required=row["required"].strip().lower() == "yes",
            code_tables=tuple(t for t in (row["code_table"] or "").split("|") if t),
            applies_to=(row["applies_to"],) if row["applies_to"] else (),
            description=row["note"] or None,
        ))
        if row["key"].strip() == "key":
            key.append(name)
    codes: dict[str, list[tuple[str, str]]] = {}
    for _line, row in _rows(codes_csv, CODE_COLUMNS):
        codes.setdefault(row["code_table"], []).append((row["code"], row["name"]))
    return Schema(
        id=schema_id, kind="standard", title=title, version=version, business_area=business_area,
        provenance=Provenance(source=source, verified=False),
        tables=(Table(name=table, items=tuple(items), key=tuple(key)),),
        code_tables={name: CodeTable(name=name, values=tuple(values)) for name, values in codes.items()},
    )
