"""Findings, reports and their renderers: catalogue, masking, JSON keys, Excel safety, HTML self-containment."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from migrator.catalogue import catalogue, markdown
from migrator.location import Location
from migrator.report import Report, make_finding, mask, render, write_report
from migrator.report.masking import maybe_mask
from tests.conftest import REPO

SECRET_NUMBER = "123456789018"
SECRET_NAME = "山田　太郎"


def _sensitive_report() -> Report:
    return Report.of(
        "check",
        [
            make_finding("CORE002", Location(file="x.csv", row=3, column="個人番号"), item="個人番号",
                         value=SECRET_NUMBER, sensitive=True, reason="bad"),
            make_finding("CORE002", Location(file="x.csv", row=4, column="氏名"), item="氏名",
                         value=SECRET_NAME, sensitive=True, reason="bad"),
            make_finding("CORE001", Location(file="y.csv"), step="s", status="=HYPERLINK(\"http://x\")"),
        ],
        subject="x.csv",
    )


def test_docs_findings_page_matches_catalogue() -> None:
    page = (REPO / "docs" / "findings.md").read_text(encoding="utf-8")
    assert page == markdown(), "run: python -m migrator.catalogue > docs/findings.md"


def test_catalogue_entries_are_complete() -> None:
    codes = catalogue()
    assert codes
    for code, entry in codes.items():
        assert entry.title_ja and entry.title_en and entry.message_ja and entry.message_en, code
        # Both languages must use the same placeholders, or one language would fail to format.
        # A Japanese template may use a translated parameter ``{x_ja}`` where the English one uses ``{x}``.
        fields_ja = {f.removesuffix("_ja") for f in re.findall(r"{(\w+)", entry.message_ja)}
        fields_en = set(re.findall(r"{(\w+)", entry.message_en))
        assert fields_ja == fields_en, code


def test_make_finding_fills_both_languages_and_checks_params() -> None:
    f = make_finding("CORE002", Location(file="a.xlsx", sheet="概要", cell="B3"), reason="zip")
    assert f.severity == "error"
    assert f.message("en") == "Cannot read the file: zip"
    assert f.message("ja") == "ファイルを読み込めません: zip"
    assert str(f.location) == "a.xlsx 概要!B3"
    with pytest.raises(KeyError):
        make_finding("CORE002")
    with pytest.raises(KeyError):
        make_finding("XXX999")


def test_a_list_parameter_is_joined_as_the_language_of_each_message_joins_lists() -> None:
    from migrator.errors import InputError

    f = make_finding("MAP304", Location(file="m.xlsx"), table="続柄", item="ZOKU", missing=("01", "02", "03"), n=3)
    assert "コード 01、02、03 (3 件) の変換" in f.message("ja") and "codes 01, 02, 03 of" in f.message("en")
    error = InputError.of("CORE118", Location(file="x"), name="nope", names=["a", "b"])
    assert "上限 nope はありません。使える名前: a、b [" in error.message("ja") and "are: a, b" in error.message("en")


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        ("123456789018", "auto", "********9018"),
        ("山田　太郎", "auto", "山田　**"),
        ("山田 太郎", "name", "山田 **"),
        ("山田太郎", "name", "山***"),
        ("1980-04-01", "auto", "1980-**-**"),
        ("19600231", "auto", "1960****"),
        ("19601231", "date", "1960****"),
        ("4010108", "auto", "*******"),
        ("12345678", "auto", "****5678"),  # eight digits: the shortest number that keeps its last four
        ("1234567", "number", "*******"),
        ("090-1234-5678", "auto", "*********5678"),
        (12345678, "auto", "****5678"),
        ("17991231", "auto", "****1231"),  # not a year this century or the two before: a number
        ("1980/4/1", "auto", "1980-**-**"),
        ("2026.12.31", "auto", "2026-**-**"),
        ("abc", "date", "***"),
        ("山田", "name", "山**"),  # never fewer than two marks, so the length does not show
        ("山", "name", "山**"),
        (" 山田　太郎 ", "name", "山田　**"),
        ("山田　太郎　次郎", "name", "山田　**"),  # only the family name shows, however many given names follow
        ("Maria Santos Cruz", "name", "Maria **"),
        ("東京", "auto", "東**"),
        ("東", "text", "東**"),
        ("東京都千代田区", "text", "東******"),
        ("12", "number", "**"),
        ("", "auto", ""),
        (None, "auto", ""),
        ("2024/12/25 | 5010501", "auto", "2024-**-** | *******"),  # a cross-item rule's values, one by one
        ("山田 太郎 | 2024-12-25 | ", "auto", "山田 ** | 2024-**-** | "),
        ("山田 | 東京", "name", "山** | 東**"),
    ],
)
def test_mask(value: object, kind: str, expected: str) -> None:
    assert mask(value, kind) == expected  # type: ignore[arg-type]


def test_maybe_mask_masks_only_sensitive_values_unless_asked() -> None:
    assert maybe_mask(None, sensitive=True) is None
    assert maybe_mask(123, sensitive=False) == "123"
    assert maybe_mask("123456789018", sensitive=True) == "********9018"
    assert maybe_mask("123456789018", sensitive=True, show_values=True) == "123456789018"
    assert maybe_mask("山田　太郎", sensitive=True, kind="name") == "山田　**"
    # the kind asked for wins over the one auto would guess from the value
    assert maybe_mask("123456789018", sensitive=True, kind="text") == "1***********"


def test_report_counts_validity_and_exit_code() -> None:
    ok = Report.of("t", [make_finding("CORE001", step="a", status="b")])
    assert ok.valid and ok.exit_code == 0
    assert ok.counts_by_severity == {"error": 0, "warning": 0, "info": 1}
    bad = _sensitive_report()
    assert not bad.valid and bad.exit_code == 1
    assert bad.counts_by_code == {"CORE001": 1, "CORE002": 2}
    assert [f.severity for f in bad.findings] == ["error", "error", "info"]


def test_json_has_documented_keys() -> None:
    data = json.loads(render(_sensitive_report(), "json", "en"))
    assert set(data) == {"format", "title", "subject", "valid", "exit_code", "counts", "counts_by_code",
                         "findings", "summary"}
    assert data["format"] == "migrator.report/1"
    finding = data["findings"][0]
    assert set(finding) == {"code", "severity", "message", "message_ja", "message_en", "location", "item",
                            "value", "count", "share", "examples", "source"}
    assert set(finding["location"]) == {"file", "line", "sheet", "cell", "row", "column", "bytes", "text"}
    doc = (REPO / "docs" / "report-format.md").read_text(encoding="utf-8")
    for key in [*data, *finding, *finding["location"]]:
        assert f"`{key}`" in doc, f"docs/report-format.md does not document {key}"


def _all_text(path: Path) -> str:
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as zf:
            return "".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("suffix", [".txt", ".json", ".html", ".xlsx"])
def test_sensitive_values_never_appear_unmasked(tmp_path: Path, suffix: str) -> None:
    report = _sensitive_report()
    for lang in ("ja", "en"):
        out = write_report(report, tmp_path / f"r-{lang}{suffix}", lang)
        text = _all_text(out)
        assert SECRET_NUMBER not in text
        assert "太郎" not in text
        assert "********9018" in text


def test_show_values_reveals_only_on_request() -> None:
    f = make_finding("CORE002", value=SECRET_NUMBER, sensitive=True, show_values=True, reason="r")
    assert f.value == SECRET_NUMBER


def test_excel_never_carries_a_formula(tmp_path: Path) -> None:
    path = write_report(_sensitive_report(), tmp_path / "r.xlsx", "en")
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
    values = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert any(isinstance(v, str) and v.startswith("s: =HYPERLINK") for v in values)


def test_html_is_self_contained(tmp_path: Path) -> None:
    html = render(_sensitive_report(), "html", "ja")
    assert "<style>" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    # one small inline script (filter and sort of the findings), never a loaded one
    assert html.count("<script") == 1 and not re.search(r"<script[^>]*\bsrc\s*=", html)
    assert "http" not in html.split("<script>", 1)[1].split("</script>", 1)[0]
    assert "<link" not in html
    assert "<svg" in html
    assert 'id="filter"' in html and 'id="findings"' in html


def test_private_files_are_owner_only(tmp_path: Path) -> None:
    for suffix in (".json", ".xlsx"):
        path = write_report(_sensitive_report(), tmp_path / f"p{suffix}", "en", private=True)
        assert path.stat().st_mode & 0o077 == 0


def test_mapping_row_is_shown_where_findings_carry_one() -> None:
    report = Report.of("run", [make_finding("CORE002", Location(file="x.dat", row=7), reason="r",
                                            source="項目対応!D12")])
    assert "項目対応!D12" in render(report, "text", "ja")
    assert "対応行" in render(report, "text", "ja")
    assert "<td>項目対応!D12</td>" in render(report, "html", "en")
    plain = Report.of("run", [make_finding("CORE002", reason="r")])
    assert "mapping row" not in render(plain, "text", "en")


def test_a_run_of_two_tables_has_a_section_per_table_with_its_figures_and_findings(workdir: Path) -> None:
    from tests.conftest import DATA, run_cli

    pairs = [(DATA / "mappings" / "juki_rdb_jumin.xlsx", DATA / "sample_data" / "extracts" / "juki_rdb_kojin.csv"),
             (DATA / "mappings" / "juki_rdb_setai.xlsx", DATA / "sample_data" / "extracts" / "juki_rdb_setai.csv")]
    run_cli("--lang", "ja", "validate", *(str(p) for pair in pairs for p in pair), "--out", "out", "--no-store",
            "--quiet", expect=None)
    report = json.loads((workdir / "out" / "report.json").read_text(encoding="utf-8"))
    tables = report["summary"]["per_table"]
    assert [t["extract"] for t in tables] == [str(extract) for _, extract in pairs]
    # the old keys stay, and are the totals of the tables
    for key in ("rows_in", "rows_out", "rows_rejected"):
        assert report["summary"][key] == sum(t[key] for t in tables)
    page = (workdir / "out" / "report.html").read_text(encoding="utf-8")
    sections = re.findall(r'<section class="table">(.*?)</section>', page, re.S)
    assert len(sections) == 2
    for section, table, (_, extract) in zip(sections, tables, pairs, strict=True):
        assert f"<h2>表 {table['table']}</h2>" in section
        counts = f"読み込み {table['rows_in']:,} 行、移行 {table['rows_out']:,} 行、移行できず {table['rows_rejected']:,} 行"
        assert counts in section
        assert Path(table["output"]).name in section
        # the table's findings, grouped by item: every item of a finding on this extract, and no other's
        items = {f["item"] or f["code"] for f in report["findings"]
                 if (f["location"].get("file") or "").endswith(extract.name)}
        assert items and set(re.findall(r'<tr><td class="nw">([^<]*)</td>', section)) == items


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("18000101", "1800****"),  # the first year a compact date may have
        ("20991231", "2099****"),
        ("21001231", "****1231"),  # not a birth date this century or the two before: a number
        ("19601931", "1960****"),  # a month 10–19 still hides as a date
        ("19602031", "****2031"),
        ("１２３４５６７８", "****５６７８"),  # full-width digits are a number too
        ("1234 5678", "*****5678"),
        ("2026-1-5", "2026-**-**"),
        ("山田 太郎", "山田 **"),
        ("Alice", "A****"),
    ],
)
def test_mask_recognises_each_kind_at_its_edges(value: str, expected: str) -> None:
    assert mask(value) == expected


def test_findings_of_a_sheet_follow_its_rows_and_columns_not_the_text_of_the_cell() -> None:
    cells = ["A10", "A100", "B9", "A9", "AA1", "Z1", "A1000", None]
    report = Report.of("t", [make_finding("MAP203", Location(file="b.xlsx", sheet="項目対応", cell=c), item="x",
                                          table="t", hint="", hint_ja="") for c in cells])
    assert [f.location.cell for f in report.findings] == [None, "Z1", "AA1", "A9", "B9", "A10", "A100", "A1000"]


def test_a_message_names_an_item_whole_and_cuts_only_what_no_name_reaches() -> None:
    """Names (an item, a table) are shown as written up to 120 characters; any other echoed text, and longer
    names, are cut at 40 (120) characters with '…'."""
    from migrator.location import Location
    from migrator.report import make_finding

    long_name = "転出先住所（予定）_" * 6  # 60 characters: longer than any name of the standard, still a name
    f = make_finding("MAP203", Location(sheet="項目対応", cell="B2"), item=long_name, table="住民", hint="", hint_ja="")
    assert long_name in f.message_en and long_name in f.message_ja
    f = make_finding("MAP203", Location(sheet="項目対応", cell="B2"), item="あ" * 500, table="住民", hint="", hint_ja="")
    assert "あ" * 120 + "…" in f.message_en and "あ" * 121 not in f.message_en
    f = make_finding("DAT106", Location(file="x.csv", line=2), item="氏名", value="か" * 100, check="charset:jis_x0208",
                     check_ja="charset:jis_x0208")
    assert f.value == "か" * 40 + "…"


def test_a_japanese_twin_is_shortened_as_its_english_parameter_and_places_stay_whole() -> None:
    """``found_ja`` is cut like ``found`` (a 500-character cell); a place the loader names (``key``) and a
    system's label (``system``) are names, shown whole."""
    from migrator.location import Location
    from migrator.report import make_finding

    cell = "桁" * 500
    f = make_finding("SCH107", Location(sheet="住民", cell="C3"), item="氏名", field="length", field_ja="桁数",
                     found=cell, found_ja=cell)
    assert len(f.message_ja) < 120 and len(f.message_en) < 120 and "桁" * 40 + "…" in f.message_ja
    place = "table JUMIN_KOJIN_KIHON_JOHO, item SETAI_NUSHI_SHIMEI: max_length"
    f = make_finding("SCH004", Location(file="s.yaml", line=3), key=place, key_ja=place, reason="r", reason_ja="r")
    assert place in f.message_en and place in f.message_ja
    label = "132021 立川市 住民基本台帳システム（住基ネット連携サーバを含む）"
    f = make_finding("INV103", Location(sheet="システム一覧", cell="K5"), item="住民基本台帳", value=label,
                     system=label, contract_end="2025-03-31", planned="2026-01-04")
    assert label in f.message_ja and label in f.message_en
