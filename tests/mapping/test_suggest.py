"""Suggestions of `mapping template` on small hand-made layouts: exact fills, one legacy item per standard item,
weak candidates left empty with their candidates in 備考, the evidence of a sample extract."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.mapping import ItemRow, load_mapping
from migrator.mapping.template import build_template, companions
from migrator.mapping.terms import translate
from migrator.schema import SchemaRegistry
from tests.conftest import DATA, REPO, run_cli

LAYOUTS = REPO / "tests" / "data" / "layouts"

SMALL = """\
format: migrator.schema/1
id: legacy-small-suggest
kind: legacy
title: small layout for suggestion tests
version: '1'
provenance: {source: written for migrator's tests, verified: false}
tables:
  - name: KOJIN
    file: {format: csv, encoding: utf-8, header: true, delimiter: ','}
    key: [ATENA_NO]
    items:
      - {name: ATENA_NO, type: string, max_length: 15, charset: digits}
      - {name: SEINEN_YMD, type: date, length: 7, format: GYYMMDD}
      - {name: IDO_YMD, type: string, max_length: 7}
      - {name: SEX, type: string, max_length: 1}
      - {name: ZOKU_CD, type: code, length: 2, code_table: ZOKU}
      - {name: YUBIN, type: string, length: 7, charset: digits}
      - {name: KANA_SHIMEI, type: string, max_length: 40, charset: kana_half}
      - {name: JUSHO, type: string, max_length: 200}
      - {name: BIKO, type: string, max_length: 200}
code_tables:
  ZOKU: {values: {'01': 世帯主, '02': 妻, '03': 子}}
"""
HEADER = "ATENA_NO,SEINEN_YMD,IDO_YMD,SEX,ZOKU_CD,YUBIN,KANA_SHIMEI,JUSHO,BIKO"
ROWS = ["000000000000011,3600101,4050401,M,01,9160001,ﾔﾏﾀﾞ ﾀﾛｳ,福井県鯖江市本町一丁目1番,",
        "000000000000029,3620505,4100100,F,02,9160001,ﾔﾏﾀﾞ ﾊﾅｺ,福井県鯖江市本町一丁目1番,",
        "000000000000037,4050601,5020203,F,03,9160022,ﾔﾏﾀﾞ ｲﾁﾛｳ,福井県鯖江市本町二丁目2番,",
        "000000000000045,3451212,4300301,M,03,9160022,ｻﾄｳ ｼﾞﾛｳ,福井県鯖江市本町二丁目2番,"]


@pytest.fixture
def small(tmp_path: Path) -> Path:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "small.yaml").write_text(SMALL, encoding="utf-8")
    return tmp_path


def _filled(rows: tuple[ItemRow, ...]) -> dict[str, tuple[str, str | None]]:
    return {r.standard: (r.legacy[0], r.transform) for r in rows if r.legacy}


def test_exact_suggestions_on_a_small_layout(small: Path) -> None:
    registry = SchemaRegistry.load(small / "schemas", DATA / "schemas")
    made = build_template(registry.get("std-001-juki"), "住民", registry.get("legacy-small-suggest"), "KOJIN")
    assert _filled(made.items) == {
        "宛名番号": ("ATENA_NO", None),
        "異動年月日": ("IDO_YMD", None),  # a string the layout does not call a date: no transform guessed
        "氏名_フリガナ": ("KANA_SHIMEI", "trim | zenkaku"),
        "性別": ("SEX", None),
        "生年月日": ("SEINEN_YMD", "trim | wareki"),
        "生年月日_不詳フラグ": ("SEINEN_YMD", "trim | fusho_flag"),
        "生年月日_不詳表記": ("SEINEN_YMD", "trim | fusho_text"),
        "続柄コード1": ("ZOKU_CD", "trim | code(続柄)"),  # its codes (01, 02, 03) are not the standard's
        "続柄表記": ("ZOKU_CD", "trim | code(続柄表記)"),
        "住所_町字": ("JUSHO", None),
        "住所_郵便番号": ("YUBIN", "postal"),
    }
    assert made.settings["照合キー"] == "ATENA_NO=宛名番号"
    # コード変換 rows where a label of the layout names one standard code (世帯主 → 02) or its label (表記)
    assert [(c.table, c.legacy, c.standard) for c in made.codes] == [
        ("続柄", "01", "02"), ("続柄", "02", "12"), ("続柄", "03", "20"),
        ("続柄表記", "01", "世帯主"), ("続柄表記", "02", "妻"), ("続柄表記", "03", "子")]
    assert all(c.note == "候補(要確認): ラベル一致" for c in made.codes)


def test_weak_candidates_stay_empty_with_their_candidates_in_the_note(small: Path) -> None:
    registry = SchemaRegistry.load(small / "schemas", DATA / "schemas")
    made = build_template(registry.get("std-001-juki"), "住民", registry.get("legacy-small-suggest"), "KOJIN")
    rows = {r.standard: r for r in made.items}
    # YUBIN is the resident's postal code, not that of the previous or the next address; ZOKU_CD is 続柄コード1,
    # not 2–4; the whole address JUSHO is not its 方書: empty cells, the candidate named in 備考.
    for name, candidate in (("転入前住所_郵便番号", "YUBIN"), ("転出先住所（予定）_郵便番号", "YUBIN"),
                            ("続柄コード2", "ZOKU_CD"), ("続柄コード4", "ZOKU_CD"), ("住所_方書", "JUSHO")):
        assert rows[name].legacy == (), name
        assert rows[name].note is not None and rows[name].note.startswith("候補(要確認): ")
        assert candidate in rows[name].note, name
    # an item nothing resembles has no note
    assert rows["在留資格等コード"].note is None and rows["在留資格等コード"].legacy == ()
    # candidates are listed as the (Japanese) workbook lists them
    notes = [r.note for r in made.items if r.note]
    assert not any(", " in n for n in notes) and any("、" in n for n in notes)


def _shared(rows: tuple[ItemRow, ...], standard: str, table: str) -> dict[str, list[str]]:
    """Legacy items given to more than one standard item other than as a companion or an address code split."""
    registry = SchemaRegistry.load(LAYOUTS / "schemas", LAYOUTS / "heldout" / "schemas", DATA / "schemas")
    follow = companions(registry.get(standard).table(table))
    users: dict[str, list[str]] = {}
    for row in rows:
        if row.legacy and row.standard not in follow:
            users.setdefault(row.legacy[0], []).append(row.standard)
    split = ("市区町村コード", "町字コード")
    return {legacy: names for legacy, names in users.items() if len(names) > 1
            and not (len(names) == 2 and all(n.endswith(split) for n in names)
                     and names[0].rsplit("_", 1)[0] == names[1].rsplit("_", 1)[0])}


@pytest.mark.parametrize("key", sorted([*(LAYOUTS / "mappings").glob("*.yaml"),
                                        *(LAYOUTS / "heldout" / "mappings").glob("*.yaml"),
                                        *(DATA / "mappings").glob("*.yaml")]), ids=lambda p: p.stem)
def test_a_legacy_item_goes_to_one_standard_item(key: Path) -> None:
    registry = SchemaRegistry.load(LAYOUTS / "schemas", LAYOUTS / "heldout" / "schemas", DATA / "schemas")
    answer, _ = load_mapping(key)
    assert answer is not None and answer.legacy_schema and answer.legacy_table
    made = build_template(registry.get(answer.standard_schema), answer.standard_table,
                          registry.get(answer.legacy_schema), answer.legacy_table)
    assert _shared(made.items, answer.standard_schema, answer.standard_table) == {}


def test_companions_follow_their_head() -> None:
    registry = SchemaRegistry.load(DATA / "schemas")
    found = companions(registry.get("std-001-juki").table("住民"))
    assert found["生年月日_不詳フラグ"] == "生年月日" and found["異動年月日_不詳表記"] == "異動年月日"
    assert found["性別表記"] == "性別" and found["続柄表記"] == "続柄コード1"
    assert "住所_番地号表記" not in found


@pytest.mark.parametrize(("legacy", "japanese"), [
    ("SEINEN_YMD", "生年月日"), ("DATE_OF_BIRTH", "生年月日"), ("birthDate", "生年月日"), ("YUBIN_NO", "郵便番号"),
    ("〒", "郵便番号"), ("前住所〒", "転入前住所郵便番号"), ("世帯ＮＯ", "世帯番号"), ("ZOKUGARA_CD", "続柄コード"),
    ("ZKGR_CD", "続柄コード"),  # an abbreviation: a subsequence of ZOKUGARA keeping its first letter
    ("HOUSEHOLD_ID", "世帯番号"), ("住定日", "住民となった年月日"),
])
def test_names_in_other_scripts_read_as_the_standard_writes_them(legacy: str, japanese: str) -> None:
    assert translate(legacy) == japanese


def test_template_cli_reads_a_sample_of_the_extract(small: Path, workdir: Path) -> None:
    import openpyxl

    (workdir / "extract.csv").write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    env = {"MIGRATOR_SCHEMAS": str(small / "schemas")}

    def rows(*extra: str) -> dict[str, tuple[str | None, str | None]]:
        run_cli("mapping", "template", "--standard", "001_juki", "--table", "住民", "--legacy", "legacy-small-suggest",
                "--legacy-table", "KOJIN", "-o", "t.xlsx", *extra, env=env)
        ws = openpyxl.load_workbook("t.xlsx")["項目対応"]
        return {ws.cell(r, 2).value: (ws.cell(r, 3).value, ws.cell(r, 4).value) for r in range(2, ws.max_row + 1)}

    names_only = rows()
    assert names_only["異動年月日"] == ("IDO_YMD", None) and names_only["異動年月日_不詳フラグ"] == (None, None)
    assert names_only["性別"] == ("SEX", None) and names_only["性別表記"] == (None, None)
    with_sample = rows("--sample", "extract.csv")
    # the values show a 和暦 date (4050401, 4100100 with an unknown month and day) and codes M/F, which are not
    # the standard's 性別 codes
    assert with_sample["異動年月日"] == ("IDO_YMD", "trim | wareki")
    assert with_sample["異動年月日_不詳フラグ"] == ("IDO_YMD", "trim | fusho_flag")
    assert with_sample["性別"] == ("SEX", "trim | code(性別)")
    assert with_sample["性別表記"] == ("SEX", "trim | code(性別表記)")
    # the sample's values never reach the workbook
    text = " ".join(str(c.value) for ws in openpyxl.load_workbook("t.xlsx").worksheets for row in ws.iter_rows()
                    for c in row if c.value is not None)
    assert "ﾔﾏﾀﾞ" not in text and "本町" not in text


def test_template_cli_names_a_missing_sample(small: Path, workdir: Path) -> None:
    result = run_cli("mapping", "template", "--standard", "001_juki", "--table", "住民", "--legacy",
                     "legacy-small-suggest", "--legacy-table", "KOJIN", "-o", "t.xlsx", "--sample", "nowhere.csv",
                     env={"MIGRATOR_SCHEMAS": str(small / "schemas")}, expect=2)
    assert "nowhere.csv" in result.stderr and "Traceback" not in result.stderr
