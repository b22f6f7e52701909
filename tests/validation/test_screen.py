"""The one-pass screen finds exactly the rows pandera fails, so pandera only has to see those."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from migrator.schema import SchemaRegistry
from migrator.validation.checks import build_schema
from migrator.validation.run import screen_expr
from tests.conftest import DATA


def test_screen_agrees_with_pandera_row_by_row() -> None:
    schema = SchemaRegistry.load(DATA / "schemas").get("std-001-juki")
    table = schema.table("世帯")
    pandera_schema = build_schema(table, schema.code_tables)
    screen = screen_expr(pandera_schema)
    assert screen is not None
    good = {"世帯番号": "000000000010014", "世帯主宛名番号": "000000000010022", "世帯主氏名": "山田　太郎",
            "世帯員数": "2", "住所_市区町村コード": "131016"}
    rows = [good, {**good, "世帯員数": "x"}, {**good, "住所_市区町村コード": "131015"},
            {**good, "世帯番号": None}, {**good, "世帯主氏名": "\ue000田　一郎"}, good]
    names = list(table.item_names)
    frame = pl.DataFrame([{n: r.get(n) for n in names} for r in rows], schema={n: pl.String for n in names})
    passed = frame.select(screen).to_series().to_list()
    try:
        pandera_schema.validate(frame, lazy=True)
        failing: set[int] = set()
    except pa.errors.SchemaErrors as exc:
        failing = set(exc.failure_cases["index"].drop_nulls().to_list())
    assert failing == {1, 2, 3, 4}
    assert [not ok for ok in passed] == [i in failing for i in range(len(rows))]
