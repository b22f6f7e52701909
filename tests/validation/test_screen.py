"""The one-pass screen finds exactly the rows pandera fails, so pandera only has to see those."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
import pytest

from migrator.schema import SchemaRegistry
from migrator.validation.checks import NotOnePass, build_schema, failure_cases
from migrator.validation.engine import screen_expr
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


def test_one_pass_failure_cases_are_pandera_s() -> None:
    """``failure_cases`` reports what pandera's lazy validation reports: the same (column, check, row), in
    the same order, for every check of both tables (values good and bad for each kind of item)."""
    schema = SchemaRegistry.load(DATA / "schemas").get("std-001-juki")
    values = [None, "", "x", "1", "02", "131016", "131015", "2020-02-30", "2020-01-01", "\ue000山", "山田　太郎",
              "000000000010014", "000000000010022", "ｱ", "123456789018", "1990-01-01T00:00:00"]
    for name in ("世帯", "住民"):
        table = schema.table(name)
        pandera_schema = build_schema(table, schema.code_tables)
        names = list(table.item_names)
        # Every value in every column, shifted per column so that rows mix good and bad values.
        rows = [{n: values[(r + 3 * c) % len(values)] for c, n in enumerate(names)} for r in range(len(values))]
        frame = pl.DataFrame(rows, schema={n: pl.String for n in names})
        with pytest.raises(pa.errors.SchemaErrors) as caught:
            pandera_schema.validate(frame, lazy=True)
        expected = caught.value.failure_cases.select("column", "check", "index").rows()
        found = failure_cases(pandera_schema, frame)
        assert found is not None
        assert found.rows() == expected
        assert failure_cases(pandera_schema, frame.filter(pl.lit(False))) is None


def test_a_check_that_is_not_an_expression_is_left_to_pandera() -> None:
    element_wise = pa.DataFrameSchema({"a": pa.Column(pl.String, pa.Check(lambda v: v == "x", element_wise=True))})
    with pytest.raises(NotOnePass):
        failure_cases(element_wise, pl.DataFrame({"a": ["x", "y"]}))
