"""``migrator risk`` on a store holding the sample inventory and a validation run linked with ``validate -m``."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import DATA, run_cli

INVENTORY = sorted(str(p) for p in (DATA / "sample_data" / "inventory").glob("*.xlsx"))
MAPPING = str(DATA / "mappings" / "juki_mainframe_jumin.xlsx")
EXTRACT = str(DATA / "sample_data" / "extracts" / "juki_mainframe.dat")
JUKI = "住民記録システム"


def _register(*extra: str) -> dict:
    out = run_cli("risk", "list", "-m", "132012", "--as-of", "2025-07-01", "--format", "json", *extra)
    return json.loads(out.stdout)


@pytest.fixture
def store(workdir: Path) -> Path:
    run_cli("inventory", "import", *INVENTORY, "--partial", "--format", "json", expect=None)
    return workdir


def test_a_linked_run_changes_the_systems_readiness_and_the_diff_shows_it(store: Path) -> None:
    before = _register()
    juki = next(r for r in before["readiness"] if r["system_name"] == JUKI)
    assert juki["run_id"] is None
    run_cli("validate", MAPPING, EXTRACT, "--reconcile", "--quiet", "-m", "132012", "--format", "json", expect=1)
    after = _register()
    juki = next(r for r in after["readiness"] if r["system_name"] == JUKI)
    assert (juki["rows_in"], juki["rows_rejected"], juki["gaiji_unmapped"], juki["reconciliation"]) == (
        3000, 12, 2, "gaps")
    assert juki["counts"]["MAP404"] == 4
    new = {(c["code"], c["system_name"]) for c in after["concerns"]} - {
        (c["code"], c["system_name"]) for c in before["concerns"]}
    assert new == {("RSK011", JUKI), ("RSK012", JUKI), ("RSK013", JUKI)}
    change = json.loads(run_cli("risk", "diff", "-m", "132012", "--format", "json").stdout)
    assert sorted(c["code"] for c in change["new"]) == ["RSK011", "RSK012", "RSK013"]
    assert change["resolved"] == [] and change["worse"] == []
    assert change["unchanged"] == len(before["concerns"])
    text = run_cli("risk", "diff", "-m", "132012").stdout
    assert "+ RSK011" in text and "resolved 0, new 3, worse 0" in text


def test_a_run_of_another_municipality_does_not_touch_this_one(store: Path) -> None:
    run_cli("validate", MAPPING, EXTRACT, "--quiet", "-m", "132021", "--format", "json", expect=1)
    juki = next(r for r in _register("--no-store")["readiness"] if r["system_name"] == JUKI)
    assert juki["run_id"] is None


def test_excel_and_html_list_every_concern_once(store: Path) -> None:
    run_cli("validate", MAPPING, EXTRACT, "--reconcile", "--quiet", "-m", "132012", "--format", "json", expect=1)
    concerns = _register("--no-store")["concerns"]
    assert concerns
    run_cli("risk", "export", "risks.xlsx", "-m", "132012", "--as-of", "2025-07-01")
    run_cli("risk", "list", "-m", "132012", "--as-of", "2025-07-01", "--format", "html", "--out", "risks.html",
            "--no-store")
    ws = openpyxl.load_workbook(store / "risks.xlsx")["Concerns"]
    rows = [tuple(c.value for c in row) for row in ws.iter_rows(min_row=2)]
    assert sorted((r[0], r[4]) for r in rows) == sorted((c["code"], c["system_name"]) for c in concerns)
    assert len(set(rows)) == len(rows)
    html = (store / "risks.html").read_text(encoding="utf-8")
    for c in concerns:
        assert html.count(f"<td>{c['code']}</td>") == sum(1 for d in concerns if d["code"] == c["code"])


def test_risk_diff_needs_two_registers(store: Path) -> None:
    _register()
    out = run_cli("risk", "diff", "-m", "132012", expect=2)
    assert "two stored registers" in out.stderr


def test_a_wrong_rules_file_is_an_input_error(store: Path) -> None:
    (store / "r.yaml").write_text("rules:\n  - {code: RSK010, when: [[nope, '>', 1]]}\n", encoding="utf-8")
    out = run_cli("risk", "list", "--rules", "r.yaml", expect=2)
    assert "r.yaml" in out.stderr and "unknown fact 'nope'" in out.stderr


def test_xlsx_needs_an_output_file(store: Path) -> None:
    out = run_cli("risk", "list", "--format", "xlsx", expect=2)
    assert "--out" in out.stderr


def test_the_json_output_is_the_librarys_register(store: Path) -> None:
    import datetime as dt

    from migrator.services.risk import build_register
    from migrator.store import open_store

    shown = _register("--no-store")
    opened = open_store()
    try:
        register = build_register(opened, municipality="132012", as_of=dt.date(2025, 7, 1), snapshot=False)
    finally:
        opened.close()
    assert shown == json.loads(json.dumps(register.to_dict("en"), default=str))


def test_inventory_evidence_is_at_the_cell_of_the_field_in_the_language_asked(store: Path) -> None:
    def evidence(lang: str) -> list[str]:
        out = run_cli("--lang", lang, "risk", "list", "-m", "132012", "--as-of", "2025-07-01", "--format", "json",
                      "--no-store").stdout
        return [e for c in json.loads(out)["concerns"] for e in c["evidence_text"] if "システム一覧!" in e]

    en, ja = evidence("en"), evidence("ja")
    assert en and len(en) == len(ja)
    # 特定移行支援 at its cell (column M); the sheet has no 特定移行支援期限 column: the default deadline is set by
    # the 特定移行支援 cell, so it is at that cell too
    assert [e.split("!", 1)[1] for e in en] == ["M7: special support=yes", "M7: special deadline=2031-03-31",
                                                "M8: special support=yes", "M8: special deadline=2031-03-31"]
    assert [e.split("!", 1)[1] for e in ja] == ["M7: 特定移行支援=はい", "M7: 特定移行支援期限=2031-03-31",
                                                "M8: 特定移行支援=はい", "M8: 特定移行支援期限=2031-03-31"]
    assert all(e.startswith("[システム一覧] ") for e in ja) and all(e.startswith("[inventory] ") for e in en)


@pytest.mark.parametrize("command", [("risk", "list"), ("risk", "export", "r.xlsx")])
def test_an_empty_store_is_an_error_not_a_register_without_concerns(command: tuple[str, ...], workdir: Path) -> None:
    """Before any inventory is imported the register would be empty and read as "error 0": it is a usage
    error naming what to do, and nothing is written."""
    run_cli("db", "upgrade")
    out = run_cli(*command, expect=2)
    assert "inventory import" in out.stderr
    assert not (workdir / "r.xlsx").exists()
    ja = run_cli("--lang", "ja", *command, expect=2)
    assert "システム一覧を取り込んで" in ja.stderr


def test_municipality_codes_are_read_as_the_inventory_reads_them(store: Path) -> None:
    """Full width, spaces and five digits without the check digit: the run is linked and the register found."""
    run_cli("validate", MAPPING, EXTRACT, "--quiet", "-m", " １３２０１ ", "--format", "json", expect=1)
    out = run_cli("risk", "list", "-m", "１３２０１２", "--as-of", "2025-07-01", "--format", "json", "--no-store")
    juki = next(r for r in json.loads(out.stdout)["readiness"] if r["system_name"] == JUKI)
    assert juki["run_id"] is not None
    assert json.loads(run_cli("risk", "list", "-m", "13201", "--as-of", "2025-07-01", "--format", "json",
                              "--no-store").stdout)["concerns"]


@pytest.mark.parametrize(("lang", "word"), [("en", "check digit of 13201 is 2"), ("ja", "13201 の検査数字は 3 ではなく 2")])
def test_a_municipality_with_a_wrong_check_digit_is_refused_by_each_risk_command(store: Path, lang: str,
                                                                                 word: str) -> None:
    for args in (("list",), ("export", "r.xlsx"), ("diff",)):
        result = run_cli("--lang", lang, "risk", *args, "-m", "132013", expect=2)
        assert "--municipality '132013'" in result.stderr and word in result.stderr
    refused = run_cli("--lang", lang, "validate", MAPPING, EXTRACT, "--out", "run", "-m", "132013", expect=2)
    assert "--municipality '132013'" in refused.stderr and word in refused.stderr
    assert not Path("run").exists() and not Path("r.xlsx").exists()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_csv_export_is_csv_with_the_concerns_sheets_rows(store: Path, lang: str) -> None:
    # `risk export risks.csv` wrote a text table (its suffix was "else text"); a user asking for .csv opens it
    # in Excel: UTF-8 with a byte-order mark, the columns of the Excel export, one row per concern.
    import csv

    run_cli("--lang", lang, "risk", "export", "risks.csv", "-m", "132012", "--as-of", "2025-07-01")
    run_cli("--lang", lang, "risk", "export", "risks.xlsx", "-m", "132012", "--as-of", "2025-07-01")
    raw = (store / "risks.csv").read_bytes()
    assert raw.startswith("\ufeff".encode()) and raw.endswith(b"\r\n") and b"\r\r\n" not in raw
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(keepends=True)))
    ws = openpyxl.load_workbook(store / "risks.xlsx").worksheets[0]
    sheet = [[("" if c.value is None else str(c.value)) for c in row] for row in ws.iter_rows()]
    assert rows == sheet and len(rows) > 1
    assert rows[0][0] == ("コード" if lang == "ja" else "code")


def test_a_csv_export_never_hands_a_spreadsheet_a_formula() -> None:
    import datetime as dt

    from migrator.risk import Concern, Register
    from migrator.risk.export import to_csv

    concern = Concern(code="RSK001", severity="error", municipality_code="132012", municipality_name="=市",
                      area_code="001", area_name="住民基本台帳", system_name="=HYPERLINK(\"x\")", title_ja="t",
                      title_en="t", message_ja="m", message_en="+1", evidence=(), owner_role="pmo")
    text = to_csv(Register(as_of=dt.date(2026, 1, 1), concerns=(concern,)), "en")
    assert "'=HYPERLINK" in text and ",'+1," in text and '"=' not in text.replace("'=", "")
