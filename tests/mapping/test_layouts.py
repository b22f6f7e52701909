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
    assert [(e["location"]["row"], e["location"]["column"]) for e in postal["examples"]] == [(2, "YUBIN_NO"),
                                                                                             (4, "YUBIN_NO")]
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


def _items(**changes: dict | None) -> list[dict]:
    """The answer key's rows with some replaced (None drops a row)."""
    import yaml

    from tests.mapping.layouts import MAPPINGS

    rows = yaml.safe_load((MAPPINGS / "romaji_jumin.yaml").read_text(encoding="utf-8"))["items"]
    out = []
    for row in rows:
        if row["standard"] in changes:
            if changes[row["standard"]] is None:
                continue
            row = {"no": row["no"], "standard": row["standard"], **changes[row["standard"]]}  # type: ignore[dict-item]
        out.append(row)
    return out


def _check_workbook(layouts: Path, items: list[dict], expect: int) -> list[dict]:
    mapping = mapping_copy("romaji_jumin", layouts / "m.xlsx", items=items)  # type: ignore[arg-type]
    out = run_cli("mapping", "check", str(mapping), "--format", "json", expect=expect)
    return [f for f in json.loads(out.stdout)["findings"] if f["severity"] != "info"]


def test_check_predicts_that_every_row_would_be_rejected(layouts: Path) -> None:
    # 住所_市区町村コード and 住所_都道府県 may not be blank (1.1.6)
    items = _items(住所_市区町村コード={"excluded": True, "note": "団体コードは後で付ける"},
                   住所_都道府県={"note": "後で決める"})
    found = _check_workbook(layouts, items, expect=1)
    assert [(f["code"], f["item"], f["location"]["cell"]) for f in found] == [
        ("MAP042", "住所_市区町村コード", "C16"), ("MAP201", "住所_都道府県", "C18")]
    # A declared placeholder runs, and the check says it is one, at the line of the default.
    extract = write_extract(layouts / "jumin.csv", ROMAJI_HEADER, [romaji_row(1), romaji_row(2)])
    items_ok = _items(住所_市区町村コード={"default": "182010"})
    mapping = mapping_copy("romaji_jumin", layouts / "run.yaml", items=items_ok)  # type: ignore[arg-type]
    report = _validate(mapping, extract, expect=0)
    assert _codes(report) == {}
    check = json.loads(run_cli("mapping", "check", str(mapping), "--format", "json").stdout)
    placeholder = [f for f in check["findings"] if f["code"] == "MAP043"]
    assert [(f["item"], f["severity"]) for f in placeholder] == [("住所_市区町村コード", "warning")]
    line = mapping.read_text(encoding="utf-8").splitlines()[placeholder[0]["location"]["line"] - 1]
    assert line.strip() == "default: '182010'"


def test_a_constant_for_a_required_item_is_a_placeholder_too(layouts: Path) -> None:
    found = _check_workbook(layouts, _items(住所_市区町村コード={"transform": 'const("182010")'}), expect=0)
    assert [(f["code"], f["item"], f["location"]["cell"]) for f in found] == [("MAP043", "住所_市区町村コード", "D16")]


def test_rules_of_the_legacy_layout_run_on_the_extract(layouts: Path) -> None:
    from tests.mapping.layouts import SCHEMAS

    rows = [romaji_row(1), romaji_row(2, jotai="3", jiyu="22", shojo="4060101"), romaji_row(3, jotai="3", jiyu="22")]
    extract = write_extract(layouts / "jumin.csv", ROMAJI_HEADER, rows)
    report = _validate(mapping_copy("romaji_jumin", layouts / "m.yaml"), extract, expect=1)
    assert _codes(report) == {("DAT050", "SHOJO_YMD"): 1, ("DAT109", "消除の異動年月日"): 1}
    legacy = next(f for f in report["findings"] if f["code"] == "DAT050")
    schema = SCHEMAS / "romaji_jumin.yaml"
    line = next(n for n, text in enumerate(schema.read_text(encoding="utf-8").splitlines(), 1) if "required_if" in text)
    assert legacy["source"] == f"{schema}:{line}"
    assert [e["location"]["row"] for e in legacy["examples"]] == [3]
    rule = next(f for f in report["findings"] if f["code"] == "DAT109")
    mapping_lines = (layouts / "m.yaml").read_text(encoding="utf-8").splitlines()
    cited = [mapping_lines[int(part.rpartition(":")[2]) - 1].strip() for part in rule["source"].split(", ")]
    assert cited == ["transform: trim | wareki", "transform: trim"]  # 消除の異動年月日, then 住民状態
    assert [e["location"]["row"] for e in rule["examples"]] == [3]
    assert rule["examples"][0]["value"] == " | 3"  # the legacy values behind the rule's items, in its order


def test_every_finding_of_a_run_of_several_workbooks_names_its_workbook(layouts: Path) -> None:
    jumin = write_extract(layouts / "jumin.csv", ROMAJI_HEADER,
                          [romaji_row(1, household=101), romaji_row(2, postal="916-12", household=101)])
    setai = write_extract(layouts / "setai.csv", "SETAI_NO,NUSHI_ATENA_NO,NUSHI_SHIMEI_KJ,SETAIIN_SU,DANTAI_CD",
                          [f"{number(101)},{number(1)},山田　太郎,二,182010"])
    report = _validate(mapping_copy("romaji_jumin", layouts / "jumin.xlsx"), jumin,
                       mapping_copy("romaji_setai", layouts / "setai.xlsx"), setai, expect=1)
    assert _codes(report) == {("MAP405", "住所_郵便番号"): 1, ("MAP408", "世帯員数"): 1, ("DAT203", "世帯番号"): 1}
    sources = {f["code"]: f["source"] for f in report["findings"] if f["severity"] != "info"}
    assert sources == {"MAP405": "jumin.xlsx 項目対応!D20", "MAP408": "setai.xlsx 項目対応!D5",
                       "DAT203": "jumin.xlsx 項目対応!D3"}


def test_a_refused_wareki_says_why_without_showing_the_value(layouts: Path) -> None:
    rows = [romaji_row(1, birth="3600230"), romaji_row(2, birth="3640201"), romaji_row(3, birth="X600101"),
            romaji_row(4, birth="3601301"), romaji_row(5)]
    extract = write_extract(layouts / "jumin.csv", ROMAJI_HEADER, rows)
    report = _validate(mapping_copy("romaji_jumin", layouts / "m.yaml"), extract, expect=1)
    # 生年月日 follows 戸籍 (1.1.8): 昭和60年2月30日 is kept as a non-calendar day (DAT401, information);
    # month 13 is no day at all.
    assert _codes(report) == {("MAP411", "生年月日"): 1, ("MAP412", "生年月日"): 1, ("MAP401", "生年月日"): 1}
    assert any(f["code"] == "DAT401" and f["severity"] == "info" for f in report["findings"])
    for finding in report["findings"]:
        if finding["item"] == "生年月日":
            for example in finding["examples"]:
                assert example["value"] not in ("3600230", "3640201", "X600101", "3601301")
    rows_of = {f["code"]: [e["location"]["row"] for e in f["examples"]] for f in report["findings"]}
    assert (rows_of["MAP411"], rows_of["MAP412"], rows_of["MAP401"]) == ([4], [2], [3])


def test_a_key_mismatch_gives_masked_example_keys_and_rows(layouts: Path) -> None:
    rows = [romaji_row(1), romaji_row(2), romaji_row(1, household=7001), romaji_row(3)]
    extract = write_extract(layouts / "jumin.csv", ROMAJI_HEADER, rows)
    out = run_cli("validate", str(mapping_copy("romaji_jumin", layouts / "m.yaml")), str(extract), "--reconcile",
                  "--out", "out", "--format", "json", "--no-store", expect=1)
    report = json.loads(out.stdout)
    keys = next(f for f in report["findings"] if f["code"] == "DAT302")
    assert keys["item"] == "ATENA_NO" and keys["count"] == 1
    example = keys["examples"][0]
    assert (example["location"]["row"], example["location"]["column"]) == (1, "ATENA_NO")
    from migrator.report.masking import mask

    assert example["value"] == mask(number(1)) != number(1)
    assert number(1) not in json.dumps(keys, ensure_ascii=False)


def test_a_reconciliation_key_that_names_no_item_is_an_error(layouts: Path) -> None:
    mapping = mapping_copy("romaji_jumin", layouts / "m.xlsx", 照合キー="ATENA_NO")
    check = json.loads(run_cli("mapping", "check", str(mapping), "--format", "json", expect=1).stdout)
    found = [(f["code"], f["item"], f["location"]["cell"]) for f in check["findings"] if f["severity"] == "error"]
    assert found == [("MAP044", "ATENA_NO", "B10")]


def _template(legacy: str, table: str) -> dict[str, tuple[str | None, str | None, str | None]]:
    import openpyxl

    run_cli("mapping", "template", "--standard", "001_juki", "--table", "住民", "--legacy", legacy,
            "--legacy-table", table, "-o", "t.xlsx")
    ws = openpyxl.load_workbook("t.xlsx")["項目対応"]
    return {ws.cell(r, 2).value: (ws.cell(r, 3).value, ws.cell(r, 4).value, ws.cell(r, 6).value)
            for r in range(2, ws.max_row + 1)}


def test_template_reads_romanised_names_and_leaves_doubtful_cells_empty(layouts: Path) -> None:
    rows = _template("legacy-romaji", "JUMIN")
    assert rows["宛名番号"][0] == "ATENA_NO" and rows["住所_郵便番号"][0] == "YUBIN_NO"
    assert rows["生年月日"][:2] == ("SEINEN_YMD", "trim | wareki")
    assert rows["生年月日_不詳フラグ"][:2] == ("SEINEN_YMD", "trim | fusho_flag")
    assert rows["続柄コード1"][0] == "ZOKUGARA_CD" and rows["性別表記"][0] == "SEIBETSU_CD"
    # 続柄コード2–4 are not ZOKUGARA_CD, and one legacy item is not five postal items: left empty, the
    # candidates in 備考 for a person to judge.
    for name in ("続柄コード2", "続柄コード3", "続柄コード4", "転入前住所_郵便番号", "転居前住所_郵便番号"):
        assert rows[name][0] is None, name
    assert "ZOKUGARA_CD" in (rows["続柄コード2"][2] or "")
    # the 照合キー pairs the legacy key with the standard key it becomes
    import openpyxl

    settings = {r[0].value: r[1].value for r in openpyxl.load_workbook("t.xlsx")["概要"].iter_rows()}
    assert settings["照合キー"] == "ATENA_NO=宛名番号"


def test_template_reads_the_description_of_numbered_fields(layouts: Path) -> None:
    rows = _template("legacy-numbered", "住記マスタ")
    assert [rows[n][0] for n in ("宛名番号", "世帯番号", "異動事由", "生年月日", "住所_郵便番号")] == [
        "F01", "F02", "F06", "F10", "F13"]
    assert rows["氏名_フリガナ"][:2] == ("F08", "trim | zenkaku")  # half-width kana in the layout


def test_one_mapping_serves_the_csv_and_the_fixed_width_delivery(layouts: Path) -> None:
    from tests.mapping.layouts import fixed_record

    rows = [romaji_row(1), romaji_row(2, postal="916-123"), romaji_row(3, name="\ue000橋　一郎")]
    csv = write_extract(layouts / "jumin.csv", ROMAJI_HEADER, rows)
    fixed = layouts / "jumin.dat"
    fixed.write_bytes("".join(fixed_record(r) + "\r\n" for r in rows).encode("cp932"))
    mapping = mapping_copy("romaji_jumin", layouts / "m.yaml")
    by_csv = json.loads(run_cli("validate", str(mapping), str(csv), "--out", "csv", "--format", "json",
                                "--no-store", expect=1).stdout)
    by_fixed = json.loads(run_cli("validate", str(mapping), str(fixed), "--layout", "JUMIN_FIX", "--out", "fixed",
                                  "--format", "json", "--no-store", expect=1).stdout)
    assert _codes(by_csv) == _codes(by_fixed) == {("MAP405", "住所_郵便番号"): 1}
    assert (layouts / "csv" / "romaji-jumin.csv").read_bytes() == (layouts / "fixed" / "romaji-jumin.csv").read_bytes()
    place = next(f for f in by_fixed["findings"] if f["code"] == "MAP405")["examples"][0]["location"]
    assert (place["row"], place["column"], place["bytes"]) == (2, "YUBIN_NO", "205-212")


def test_a_layout_no_mapping_of_the_run_has_is_an_error_naming_those_there_are(layouts: Path) -> None:
    rows = [romaji_row(1)]
    csv = write_extract(layouts / "jumin.csv", ROMAJI_HEADER, rows)
    mapping = mapping_copy("romaji_jumin", layouts / "m.yaml")
    result = run_cli("--lang", "en", "validate", str(mapping), str(csv), "--layout", "JUMIN_FXI", "--out", "typo",
                     "--no-store", expect=2)
    said = result.stderr + result.stdout
    assert "--layout JUMIN_FXI" in said and "JUMIN_FIX" in said and "Traceback" not in said
    assert not (layouts / "typo").exists() or not any((layouts / "typo").iterdir())
