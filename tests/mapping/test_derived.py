"""Conditional values and values derived from another table of the run (lookup, count): exact rows, and
plans with joins and group-bys only (no Python function per row)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import yaml

from migrator.mapping import compile_mapping, load_mapping
from migrator.schema import SchemaRegistry
from tests.conftest import run_cli
from tests.mapping.layouts import (
    MAPPINGS,
    ROMAJI_HEADER,
    layouts,
    mapping_copy,
    number,
    romaji_row,
    write_extract,
)

__all__ = ["layouts"]  # the fixture

SETAI_HEADER = "SETAI_NO,NUSHI_ATENA_NO,NUSHI_SHIMEI_KJ,SETAIIN_SU,DANTAI_CD"


def _derived_setai(target: Path) -> Path:
    """The 世帯 answer key with 世帯主氏名 and 世帯員数 derived from the residents instead of the 世帯 row."""
    data = yaml.safe_load((MAPPINGS / "romaji_setai.yaml").read_text(encoding="utf-8"))
    for row in data["items"]:
        if row["standard"] == "世帯主氏名":
            row.update(legacy=[], transform="lookup(JUMIN, SHIMEI_KJ, key=NUSHI_ATENA_NO, on=ATENA_NO) | trim")
        if row["standard"] == "世帯員数":
            row.update(legacy=[], transform="count(JUMIN, key=SETAI_NO)")
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def _deaths_only(target: Path) -> Path:
    """The 住民 answer key with 消除の異動年月日 = the 異動年月日 of deaths only (the layout has no removal date)."""
    data = yaml.safe_load((MAPPINGS / "romaji_jumin.yaml").read_text(encoding="utf-8"))
    for row in data["items"]:
        if row["standard"] == "消除の異動年月日":
            row.update(legacy=["IDO_YMD"], transform='trim | when(JOTAI_KBN, "3") | wareki')
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def _residents(layouts: Path) -> Path:
    rows = [romaji_row(1, household=101, name="山田　太郎"), romaji_row(2, household=101, name="山田　花子"),
            romaji_row(3, household=102, name="鈴木　一郎"),
            romaji_row(4, household=103, name="佐藤　次郎", jotai="3", jiyu="22")]
    rows[1] = rows[1].replace(",01,", ",02,")  # 妻: one head per household
    return write_extract(layouts / "jumin.csv", ROMAJI_HEADER, rows)


def test_when_fills_a_value_for_the_selected_rows_only(layouts: Path) -> None:
    report = run_cli("validate", str(_deaths_only(layouts / "m.yaml")), str(_residents(layouts)), "--out", "out",
                     "--format", "json", "--no-store")
    assert json.loads(report.stdout)["summary"]["rows_out"] == 4
    out = pl.read_csv(layouts / "out" / "romaji-jumin.csv", infer_schema=False)
    assert out.select("宛名番号", "住民状態", "消除の異動年月日").rows() == [
        (number(1), "1", None), (number(2), "1", None), (number(3), "1", None), (number(4), "3", "1993-04-01")]


def test_lookup_and_count_take_values_from_the_other_table_of_the_run(layouts: Path) -> None:
    setai = write_extract(layouts / "setai.csv", SETAI_HEADER, [
        f"{number(101)},{number(1)},,9,182010", f"{number(102)},{number(3)},,9,182010",
        f"{number(103)},{number(4)},,9,182010", f"{number(104)},{number(99)},,9,182010"])
    jumin = _residents(layouts)
    result = run_cli("validate", str(mapping_copy("romaji_jumin", layouts / "jumin.yaml")), str(jumin),
                     str(_derived_setai(layouts / "setai.yaml")), str(setai), "--out", "out", "--format", "json",
                     "--no-store", expect=None)
    out = pl.read_csv(layouts / "out" / "romaji-setai.csv", infer_schema=False)
    # 104's 世帯主 is nobody of the run: no name to look up, no member to count. 世帯主氏名 may be blank (1.1.10),
    # so the row is written; the dangling reference is reported (DAT202), as cross-table findings are.
    assert out.select("世帯番号", "世帯主氏名", "世帯員数").rows() == [
        (number(101), "山田　太郎", "2"), (number(102), "鈴木　一郎", "1"), (number(103), "佐藤　次郎", "1"),
        (number(104), None, "0")]
    findings = json.loads(result.stdout)["findings"]
    assert ("DAT202", "世帯主宛名番号") in [(f["code"], f["item"]) for f in findings if f["severity"] == "error"]


def test_a_derivation_without_its_table_in_the_run_is_reported(layouts: Path) -> None:
    setai = write_extract(layouts / "setai.csv", SETAI_HEADER, [f"{number(101)},{number(1)},,9,182010"])
    out = run_cli("validate", str(_derived_setai(layouts / "setai.yaml")), str(setai), "--format", "json",
                  "--no-store", expect=1)
    codes = {f["code"] for f in json.loads(out.stdout)["findings"]}
    assert "DAT051" in codes


def test_an_unknown_table_or_item_is_an_error_at_its_cell(layouts: Path) -> None:
    data = yaml.safe_load((MAPPINGS / "romaji_setai.yaml").read_text(encoding="utf-8"))
    data["items"][2].update(legacy=[], transform="lookup(JUMlN, SHIMEI_KJ, key=NUSHI_ATENA_NO, on=ATENA_NO)")
    data["items"][3].update(legacy=[], transform="count(JUMIN, key=SETAI_NO, on=SETAI)")
    path = layouts / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    check = json.loads(run_cli("mapping", "check", str(path), "--format", "json", expect=1).stdout)
    got = [(f["code"], f["item"]) for f in check["findings"] if f["severity"] == "error"]
    assert got == [("MAP045", "JUMlN"), ("MAP045", "SETAI")]
    ja = json.loads(run_cli("--lang", "ja", "mapping", "check", str(path), "--format", "json", expect=1).stdout)
    messages = [f["message"] for f in ja["findings"] if f["code"] == "MAP045"]
    assert messages[0].startswith("テーブル JUMlN は現行スキーマにありません(JUMIN の誤りでは?)"), messages


def test_the_plans_are_joins_and_group_bys_without_python_functions(layouts: Path) -> None:
    registry = SchemaRegistry.load()
    setai, _ = load_mapping(_derived_setai(layouts / "setai.yaml"))
    jumin, _ = load_mapping(_deaths_only(layouts / "jumin.yaml"))
    assert setai is not None and jumin is not None
    plans = []
    for mapping, legacy in ((setai, "SETAI"), (jumin, "JUMIN")):
        compiled = compile_mapping(mapping, registry=registry)
        table = registry.get("legacy-romaji").table(legacy)
        frame = pl.LazyFrame(schema={n: pl.String for n in table.item_names})
        others = {"JUMIN": pl.LazyFrame(schema={n: pl.String for n in registry.get("legacy-romaji")
                                                .table("JUMIN").item_names})}
        plans.append(compiled.evaluate(compiled.join_derived(frame, others)).explain())
    setai_plan, jumin_plan = plans
    assert "LEFT JOIN" in setai_plan and "AGGREGATE" in setai_plan
    assert "JOIN" not in jumin_plan and ".then(" in jumin_plan  # when(): an expression, no join
    for plan in plans:
        assert "python_udf" not in plan and "map_elements" not in plan
