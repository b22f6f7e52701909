"""Mappings for layouts the shipped samples never saw: postal codes, 外字, predictions of the check."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from tests.conftest import run_cli
from tests.mapping.layouts import ROMAJI_HEADER, layouts, mapping_copy, number, romaji_row, write_extract

__all__ = ["layouts"]  # the fixture


def _validate(*pairs: Path, expect: int) -> dict:
    out = run_cli("validate", *map(str, pairs), "--out", "out", "--format", "json", "--no-store", expect=expect)
    return json.loads(out.stdout)


def _codes(report: dict) -> dict[tuple[str, str | None], int]:
    got: dict[tuple[str, str | None], int] = {}
    for f in report["findings"]:
        if f["severity"] != "info":
            got[(f["code"], f.get("item"))] = got.get((f["code"], f.get("item")), 0) + (f.get("count") or 1)
    return got


def _output(layouts: Path) -> pl.DataFrame:
    return pl.read_csv(layouts / "out" / "romaji-jumin.csv", infer_schema=False)


def test_postal_codes_are_never_completed(layouts: Path) -> None:
    rows = [romaji_row(1, postal="916-0001"), romaji_row(2, postal="916-123"), romaji_row(3, postal="〒９１６－００２２"),
            romaji_row(4, postal="16001"), romaji_row(5, postal="9160001 ")]
    extract = write_extract(layouts / "jumin.csv", ROMAJI_HEADER, rows)
    report = _validate(mapping_copy("romaji_jumin", layouts / "m.yaml"), extract, expect=1)
    assert _codes(report) == {("MAP405", "住所_郵便番号"): 2}
    postal = next(f for f in report["findings"] if f["code"] == "MAP405")
    assert [e["location"]["row"] for e in postal["examples"]] == [2, 4]
    out = _output(layouts)
    assert out["宛名番号"].to_list() == [number(1), number(3), number(5)]
    assert out["住所_郵便番号"].to_list() == ["9160001", "9160022", "9160001"]


def test_unmapped_gaiji_is_rejected_by_default(layouts: Path) -> None:
    rows = [romaji_row(1, name="\ue000橋　一郎"), romaji_row(2, name="\ue00b田　花子"), romaji_row(3)]
    extract = write_extract(layouts / "jumin.csv", ROMAJI_HEADER, rows)
    report = _validate(mapping_copy("romaji_jumin", layouts / "m.yaml"), extract, expect=1)
    assert _codes(report) == {("MAP406", "氏名"): 1}
    out = _output(layouts)
    assert out["氏名"].to_list() == ["髙橋　一郎", "山田　太郎"]
    text = (layouts / "out" / "romaji-jumin.csv").read_text(encoding="utf-8")
    assert "\ue00b" not in text
    rejects = pl.read_csv(layouts / "out" / "romaji-jumin.rejects.csv", infer_schema=False)
    assert rejects["指摘コード"].to_list() == ["MAP406"]


def test_keeping_unmapped_gaiji_is_a_declared_and_reported_policy(layouts: Path) -> None:
    rows = [romaji_row(1, name="\ue00b田　花子"), romaji_row(2)]
    extract = write_extract(layouts / "jumin.csv", ROMAJI_HEADER, rows)
    mapping = mapping_copy("romaji_jumin", layouts / "m.yaml", 外字方針="残す")
    check = json.loads(run_cli("mapping", "check", str(mapping), "--format", "json").stdout)
    policy = [f for f in check["findings"] if f["code"] == "MAP040"]
    assert len(policy) == 1 and policy[0]["location"]["line"] == 10
    report = _validate(mapping, extract, expect=0)
    assert _codes(report) == {("MAP410", "氏名"): 1}
    assert _output(layouts)["氏名"].to_list() == ["\ue00b田　花子", "山田　太郎"]


def test_unknown_gaiji_policy_is_an_error_at_its_cell(layouts: Path) -> None:
    mapping = mapping_copy("romaji_jumin", layouts / "m.xlsx", 外字方針="そのまま")
    check = json.loads(run_cli("mapping", "check", str(mapping), "--format", "json", expect=1).stdout)
    bad = [f for f in check["findings"] if f["code"] == "MAP041"]
    assert [(f["location"]["sheet"], f["location"]["cell"]) for f in bad] == [("概要", "B12")]
