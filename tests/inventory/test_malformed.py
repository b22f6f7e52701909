"""A corpus of malformed workbooks: each gives its finding or a clear error, and the store stays as it was."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from migrator.errors import InputError
from migrator.services.inventory import import_inventory
from migrator.store import Store
from migrator.store.inventory_repo import inventory_counts, load_inventory
from tests.conftest import DATA, run_cli

HEADER = ["団体コード", "団体名", "業務", "システム名", "現行ベンダー", "移行予定日"]
GOOD = ["132012", "八王子市", "住記", "住民記録システム", "株式会社エーシステム", dt.date(2026, 1, 5)]


def _book(path: Path, rows: list[list], *, title: str = "システム一覧", merges: tuple[str, ...] = ()) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for rng in merges:
        ws.merge_cells(rng)
    wb.save(path)
    return path


def _row(**changes: object) -> list:
    values = dict(zip(HEADER, GOOD, strict=True))
    values.update(changes)
    return list(values.values())


CASES: dict[str, tuple[Callable[[Path], Path], list[tuple[str, str]]]] = {
    "missing_sheet": (lambda p: _book(p, [HEADER, GOOD], title="集計"), []),  # found by its header instead
    "missing_sheet_no_header": (lambda p: _book(p, [["メモ"], ["なにもない"]], title="集計"),
                                [("INV001", ""), ("INV015", "集計!A1")]),
    "empty_workbook": (lambda p: _book(p, []), [("INV002", "システム一覧")]),
    "no_header_row": (lambda p: _book(p, [["名前", "値"], ["a", "b"]]), [("INV002", "システム一覧")]),
    "unknown_area": (lambda p: _book(p, [HEADER, _row(業務="文書管理")]), [("INV020", "システム一覧!C2")]),
    "empty_area": (lambda p: _book(p, [HEADER, _row(業務=None)]), [("INV021", "システム一覧!C2")]),
    "bad_check_digit": (lambda p: _book(p, [HEADER, _row(団体コード="132013")]), [("INV011", "システム一覧!A2")]),
    "bad_code": (lambda p: _book(p, [HEADER, _row(団体コード="八王子")]), [("INV010", "システム一覧!A2")]),
    "duplicate_system": (lambda p: _book(p, [HEADER, GOOD, _row(業務="001")]), [("INV022", "システム一覧!D3")]),
    "bad_date": (lambda p: _book(p, [HEADER, _row(移行予定日="R8.13.1")]), [("INV030", "システム一覧!F2")]),
    "era_out_of_range": (lambda p: _book(p, [HEADER, _row(移行予定日="平成38年1月5日")]),
                         [("INV032", "システム一覧!F2")]),
    "merged_header_cells": (
        lambda p: _book(p, [["団体", None, "業務名", "システム名称", "事業者", "日程"],
                            ["団体コード", "団体名", None, None, None, "移行予定時期"], GOOD],
                        merges=("A1:B1", "C1:C2", "D1:D2", "E1:E2")),
        []),
    "header_far_down": (lambda p: _book(p, [["台帳"], [], ["作成: 情報政策課"], [], HEADER, GOOD]), []),
    "formula_without_value": (lambda p: _book(p, [HEADER, _row(移行予定日="=DATE(2026,1,5)")]),
                              [("INV006", "システム一覧!F2")]),
    "interface_without_municipality": (lambda p: _two_munis_with_links(p), [("INV042", "連携一覧!A2")]),
    "name_missing": (lambda p: _book(p, [HEADER, _row(システム名=None)]), [("INV023", "システム一覧!D2")]),
}


def _two_munis_with_links(path: Path) -> Path:
    _book(path, [HEADER, GOOD, _row(団体コード="132021", 団体名="立川市")])
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("連携一覧")
    ws.append(["連携元", "連携先", "方式"])
    ws.append(["外部システム", "住民記録システム", "ファイル"])
    wb.save(path)
    return path


def _state(store: Store) -> tuple:
    with store.reader() as session:
        return inventory_counts(session), load_inventory(session)


def _seed(store: Store, tmp_path: Path) -> tuple:
    seed = _book(tmp_path / "seed.xlsx", [HEADER, _row(団体コード="131016", 団体名="千代田区")])
    assert import_inventory([seed], store=store).valid
    return _state(store)


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_workbook(case: str, store: Store, tmp_path: Path) -> None:
    before = _seed(store, tmp_path)
    build, expected = CASES[case]
    path = build(tmp_path / f"{case}.xlsx")
    report = import_inventory([path], store=store)
    found = [(f.code, f.location.sheet + ("!" + f.location.cell if f.location.cell else "")
              if f.location.sheet else "") for f in report.findings
             if f.severity != "info" or f.code in ("INV006",)]
    assert found == expected
    if not report.valid:
        assert report.summary["written"] is False
        assert [f.code for f in report.findings if f.code == "INV098"] == ["INV098"]
        assert _state(store) == before


@pytest.mark.parametrize(("name", "content", "phrase"), [
    ("old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
    ("csv.xlsx", "団体コード,業務\n132012,住記\n".encode("cp932"), "not an Excel"),
    ("corrupt.xlsx", b"PK\x03\x04" + b"garbage" * 20, "truncated"),  # a zip cut short, not another format
])
def test_unreadable_file_is_a_clear_error_and_writes_nothing(name: str, content: bytes, phrase: str,
                                                             store: Store, tmp_path: Path) -> None:
    before = _seed(store, tmp_path)
    good = _book(tmp_path / "good.xlsx", [HEADER, GOOD])
    bad = tmp_path / name
    bad.write_bytes(content)
    with pytest.raises(InputError) as err:
        import_inventory([good, bad], store=store)
    assert str(bad) in err.value.message("en") and phrase in err.value.message("en")
    assert _state(store) == before


def test_corrupt_zip_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    bad = tmp_path / "broken.xlsx"
    good = _book(tmp_path / "g.xlsx", [HEADER, GOOD])
    bad.write_bytes(good.read_bytes()[:400] + good.read_bytes()[-200:])
    with pytest.raises(InputError):
        import_inventory([bad], store=store)


def test_partial_saves_the_readable_rows(store: Store, tmp_path: Path) -> None:
    path = _book(tmp_path / "p.xlsx", [HEADER, GOOD, _row(業務="文書管理", システム名="文書管理システム")])
    report = import_inventory([path], store=store, partial=True)
    assert not report.valid and report.summary["written"] is True
    counts, inv = _state(store)
    assert counts["systems"] == 1 and inv.systems[0].name == "住民記録システム"


def test_failure_during_save_rolls_back_everything(store: Store, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    before = _seed(store, tmp_path)
    path = _book(tmp_path / "x.xlsx", [HEADER, GOOD])
    import migrator.store.inventory_repo as repo

    def boom(_systems, _written):  # fails after municipalities, vendors and systems were flushed
        raise RuntimeError("connection lost")

    monkeypatch.setattr(repo, "_resolve_end", boom)
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("連携一覧")
    ws.append(["連携元", "連携先"])
    ws.append(["住民記録システム", "外部"])
    wb.save(path)
    with pytest.raises(RuntimeError):
        import_inventory([path], store=store)
    assert _state(store) == before


def test_cli_errors_name_the_file_and_exit_2(workdir: Path) -> None:
    bad = workdir / "old.xlsx"
    bad.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 50)
    result = run_cli("inventory", "import", str(bad), expect=2)
    assert "old.xlsx" in result.stderr and "Traceback" not in result.stderr
    bad_area = _book(workdir / "a.xlsx", [HEADER, _row(業務="文書管理")])
    result = run_cli("inventory", "import", str(bad_area), "--format", "json", expect=1)
    assert "a.xlsx システム一覧!C2" in result.stdout and "INV098" in result.stdout


def test_user_synonyms_extend_the_table(workdir: Path) -> None:
    path = _book(workdir / "s.xlsx", [["団体コード", "業務", "システム名", "サービスイン目標"], ["132012", "住記", "住記", "R8.1.5"]],
                 title="調査票")
    extra = workdir / "syn.yaml"
    extra.write_text("columns:\n  systems:\n    planned_date: [サービスイン目標]\n", encoding="utf-8")
    plain = run_cli("inventory", "check", str(path), "--format", "json", expect=0)
    assert '"INV003"' in plain.stdout  # サービスイン目標 not recognised without the extension
    result = run_cli("inventory", "check", str(path), "--synonyms", str(extra), "--format", "json", expect=0)
    assert '"INV003"' not in result.stdout
    bad = workdir / "bad.yaml"
    bad.write_text("columns:\n  systems:\n    nosuch: [x]\n", encoding="utf-8")
    error = run_cli("inventory", "check", str(path), "--synonyms", str(bad), expect=2)
    assert "bad.yaml" in error.stderr and "nosuch" in error.stderr
    one = workdir / "one.yaml"  # one label, not a list: taken as a list of one
    one.write_text("columns:\n  systems:\n    planned_date: サービスイン目標\n", encoding="utf-8")
    result = run_cli("inventory", "check", str(path), "--synonyms", str(one), "--format", "json", expect=0)
    assert '"INV003"' not in result.stdout
    for body, key in (("columns:\n  systems:\n    planned_date: {a: 1}\n", "columns.systems.planned_date"),
                      ("columns:\n  systems: [planned_date]\n", "columns.systems"), ("sheets: 42\n", "sheets")):
        wrong = workdir / "wrong.yaml"
        wrong.write_text(body, encoding="utf-8")
        error = run_cli("--lang", "en", "inventory", "check", str(path), "--synonyms", str(wrong), expect=2)
        assert key in error.stderr and "wrong.yaml" in error.stderr and "object is not" not in error.stderr


@pytest.mark.parametrize("word", ["合計", "計", "総計", "Total"])
def test_a_totals_row_under_the_table_is_skipped_as_a_note(workdir: Path, word: str) -> None:
    path = _book(workdir / "t.xlsx", [HEADER, _row(), [word, None, None, None, 12345]])
    result = run_cli("--lang", "en", "inventory", "check", str(path), "--format", "json", expect=0)
    assert '"INV005"' in result.stdout and '"INV010"' not in result.stdout and '"INV021"' not in result.stdout
    named = _book(workdir / "n.xlsx", [HEADER, _row(), [word, "八王子市", "住記", "合計管理システム"]])
    assert '"INV005"' not in run_cli("inventory", "check", str(named), "--format", "json", expect=None).stdout


def test_a_hidden_row_is_read_and_said(workdir: Path) -> None:
    path = _book(workdir / "h.xlsx", [HEADER, _row(), _row(システム名="国保システム", 業務="国保")])
    wb = openpyxl.load_workbook(path)
    wb.active.row_dimensions[3].hidden = True
    wb.save(path)
    result = run_cli("--lang", "en", "inventory", "check", str(path), "--format", "json", expect=0)
    assert '"INV007"' in result.stdout and "h.xlsx" in result.stdout and "システム一覧!A3" in result.stdout


def test_lists_in_messages_are_joined_in_the_language_of_the_message(store: Store, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "集計"
    wb.active.append(["区分", "件数", "備考"])
    wb.create_sheet("メモ").append(["a"])
    wb.save(tmp_path / "x.xlsx")
    report = import_inventory([_book(tmp_path / "e.xlsx", []), tmp_path / "x.xlsx"], store=store)
    by_code = {f.code: f for f in report.findings}
    assert "(sheets: 集計, メモ)" in by_code["INV001"].message_en
    assert "（シート: 集計、メモ）" in by_code["INV001"].message_ja
    assert "区分, 件数, 備考" in by_code["INV015"].message_en and "区分、件数、備考" in by_code["INV015"].message_ja
    assert "(required columns: 業務)" in by_code["INV002"].message_en


@pytest.mark.parametrize(("body", "code", "ja", "en"), [
    ("column:\n  systems:\n    planned_date: [x]\n", "INV060", "未知のキー 'column' があります(使えるキー: sheets、columns)",
     "unknown key 'column' (use sheets, columns)"),
    ("sheets:\n  system: [調査票]\n", "INV061", "未知のシートの種類 'system' があります(使える種類: systems、interfaces、vendors)",
     "unknown sheet kind 'system' (use systems, interfaces, vendors)"),
    ("columns:\n  vendor:\n    name: [x]\n", "INV061", "未知のシートの種類 'vendor'", "unknown sheet kind 'vendor'"),
    ("columns:\n  vendors:\n    nosuch: [x]\n", "INV062", "未知の列 vendors.nosuch があります(使える列: ", "unknown column vendors.nosuch (use "),
    ("sheets: 42\n", "INV064", "sheets は名前の対応表 (キー: 値) にしてください(数値 42 になっています)",
     "sheets must be a mapping of names, not a number 42"),
    ("columns:\n  systems:\n    planned_date: {a: 1}\n", "INV065", "columns.systems.planned_date は見出しのリストにしてください",
     "columns.systems.planned_date must be a list of labels"),
    ("- sheets\n", "INV067", "sheets と columns の一方または両方", "the file must hold a mapping"),
    ("columns:\n  systems:\n    special_support: [特定移行, YES]\n", "INV066",
     "columns.systems.special_support: YES、NO、TRUE、FALSE、On、Off は引用符で囲んでください",
     "columns.systems.special_support: quote YES, NO, TRUE, FALSE, On, Off"),
])
def test_a_wrong_synonyms_file_is_said_in_one_language(workdir: Path, body: str, code: str, ja: str,
                                                       en: str) -> None:
    path = _book(workdir / "s.xlsx", [HEADER, _row()])
    wrong = workdir / "wrong.yaml"
    wrong.write_text(body, encoding="utf-8")
    said_ja = run_cli("--lang", "ja", "inventory", "check", str(path), "--synonyms", str(wrong), expect=2).stderr
    said_en = run_cli("--lang", "en", "inventory", "check", str(path), "--synonyms", str(wrong), expect=2).stderr
    assert "wrong.yaml" in said_ja and ja in said_ja and en in said_en
    assert f"[{code}]" in said_ja and f"[{code}]" in said_en  # a catalogue code, as every other finding has
    assert not re.search(r"\b(unknown|must|use|not a)\b", said_ja), said_ja
    assert not re.search(r"[ぁ-ん]", said_en), said_en


def test_a_synonyms_file_not_in_utf8_or_missing_is_said_as_such_in_each_language(tmp_path: Path) -> None:
    syn = tmp_path / "syn.yaml"
    syn.write_bytes("sheets:\n  systems: [一覧表]\n".encode("cp932"))
    sample = sorted((DATA / "sample_data" / "inventory").glob("*.xlsx"))[0]
    for lang, want in (("en", "Not utf-8"), ("ja", "utf-8 として読めないバイト")):
        res = run_cli("--lang", lang, "inventory", "check", str(sample), "--synonyms", str(syn), expect=2)
        assert "CORE114" in res.stderr and want in res.stderr and "syn.yaml:2" in res.stderr
    res = run_cli("--lang", "ja", "inventory", "check", str(sample), "--synonyms", str(tmp_path / "no.yaml"), expect=2)
    assert "CORE103" in res.stderr


# Synonyms files as another organisation writes them: comments, its own key order, flow style, Japanese labels.
# Each names the wrong entry's line (and column) of the file, in both languages.
@pytest.mark.parametrize(("body", "line", "column", "said"), [
    ("# 当団体の調査票に合わせた同義語\ncolumns:\n  # ベンダー一覧\n  vendors:\n    name: [事業者名]\n  systems:\n"
     "    planned_date:\n      - サービスイン目標\n      - 本番稼働日\n    special_support: [特定移行, YES]\n",
     10, 29, "columns.systems.special_support: quote YES"),
    ("sheets: {systems: [調査票], vendors: [事業者一覧]}\ncolumns: {systems: {業務名: [業務区分]}}\n",
     2, 21, "unknown column systems.業務名"),
    ("columns:\n  systems:\n    planned_date: [移行予定]\nsheets:\n  systems: [調査票]\n"
     "columns:   # 追記\n  vendors:\n    name: [会社名]\n", 6, 1, "columns is written twice (first at line 1)"),
    ("sheets:\n  systems:\n    - 調査票\n  interfaces: 連携一覧\n  ベンダー: [委託先一覧]\n", 5, 3, "unknown sheet kind 'ベンダー'"),
    ("columns:\n  vendors:\n    name: 事業者名\n  systems:\n    planned_date:\n      本番: 稼働日\n", 6, 7,
     "columns.systems.planned_date must be a list of labels"),
    ("sheets:\n  systems: [調査票]\n\ncolumn:\n  systems: {}\n", 4, 1, "unknown key 'column'"),
    ("columns:\n  systems:\n    special_support: NO   # 特定移行支援の有無\n", 3, 22, "columns.systems.special_support: quote"),
    ("columns:\n  systems:\n    # 業務の列\n    area:\n      - 業務区分\n      - システム名\n", 6, 9,
     "columns.systems.area: the label 'システム名' is already one of systems.name"),
    ("columns:\n  vendors: {name: [委託先], notes: [担当者, 委託先]}\n", 2, 39, "is already one of vendors.name"),
])
def test_a_wrong_synonyms_entry_is_named_at_its_line(workdir: Path, body: str, line: int, column: int,
                                                    said: str) -> None:
    path = _book(workdir / "s.xlsx", [HEADER, _row()])
    (workdir / "同義語.yaml").write_text(body, encoding="utf-8")
    args = ("inventory", "check", str(path), "--synonyms", "同義語.yaml")
    en = run_cli("--lang", "en", *args, expect=2).stderr
    ja = run_cli("--lang", "ja", *args, expect=2).stderr
    assert en.startswith(f"Error: 同義語.yaml:{line}: Invalid synonym file (column {column}): ") and said in en, en
    assert ja.startswith(f"エラー: 同義語.yaml:{line}: 同義語ファイルが不正です ({column} 桁目): "), ja
    assert re.search(r" \[INV06[0-9]\]$", en.strip()) and re.search(r" \[INV06[0-9]\]$", ja.strip()), (en, ja)
    assert not re.search(r"[ぁ-ん]", en.split(".yaml", 1)[1]) and not re.search(r"\b(unknown|must|quote)\b", ja)


def test_a_totals_row_with_a_count_under_the_system_name_is_skipped_as_a_note(workdir: Path) -> None:
    # 合計 under 業務 with the number of systems beside it: no system, whatever the count is written as.
    path = _book(workdir / "t.xlsx", [HEADER, _row(), ["", "", "合計", "1システム", None, None]])
    result = run_cli("--lang", "en", "inventory", "check", str(path), "--format", "json", expect=0)
    assert '"INV005"' in result.stdout and '"INV020"' not in result.stdout and '"INV010"' not in result.stdout


@pytest.mark.parametrize("units", [
    [None, None, None, None, None, "(YYYY/MM/DD)"],
    ["(6桁)", None, "(必須)", None, "（株式会社等を含む）", "西暦"],
    [None, None, None, None, None, "単位：年月日"],
])
def test_a_row_of_units_under_the_header_is_part_of_the_header(workdir: Path, units: list) -> None:
    path = _book(workdir / "u.xlsx", [["現行システム調査票"], [], [], HEADER, units, GOOD])
    result = run_cli("--lang", "en", "inventory", "check", str(path), "--format", "json", expect=0)
    assert json.loads(result.stdout)["counts_by_code"] == {"INV101": 1}  # only the areas the list lacks
    run_cli("inventory", "import", str(path), expect=0)
    (system,) = json.loads(run_cli("inventory", "list", "--format", "json").stdout)["systems"]
    assert (system["system_name"], system["planned_date"]) == ("住民記録システム", "2026-01-05")


@pytest.mark.parametrize("label", ["特定移行支援システム該当", "特定移行支援該当有無", "特定移行支援システムの該当"])
def test_a_special_support_column_asking_whether_it_applies_is_read(workdir: Path, label: str) -> None:
    path = _book(workdir / "s.xlsx", [[*HEADER, label], [*GOOD, "○"]])
    run_cli("inventory", "import", str(path), expect=0)
    (system,) = json.loads(run_cli("inventory", "list", "--format", "json").stdout)["systems"]
    assert system["special_support"] is True


def test_a_label_not_understood_above_a_row_of_units_is_reported_at_its_own_cell(workdir: Path) -> None:
    path = _book(workdir / "u.xlsx", [["調査票"], [*HEADER, "No."], [None] * 5 + ["(YYYY/MM/DD)", None], [*GOOD, 1]])
    result = run_cli("--lang", "en", "inventory", "check", str(path), "--format", "json", expect=0)
    (finding,) = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "INV003"]
    assert finding["location"]["cell"] == "G2"
