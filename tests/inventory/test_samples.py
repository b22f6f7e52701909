"""The bundled sample workbooks give exactly the documented counts and findings; re-import changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migrator.services.inventory import check_store, import_inventory
from migrator.store import Store
from migrator.store.inventory_repo import inventory_counts
from tests.conftest import DATA, run_cli

SAMPLES = sorted((DATA / "sample_data" / "inventory").glob("*.xlsx"))
COUNTS = {"municipalities": 3, "systems": 31, "interfaces": 10, "vendors": 2}
A = "vendor_a_hachioji.xlsx"
B = "vendor_b_tachikawa_musashino.xlsx"
IMPORT_FINDINGS = [
    ("INV035", f"{A} システム一覧!K16"),
    ("INV032", f"{B} システム台帳!H7"),  # in the order of the rows of each sheet
    ("INV030", f"{B} システム台帳!I9"),
    ("INV034", f"{B} システム台帳!L15"),
    ("INV040", f"{B} 連携!D6"),
    ("INV005", f"{A} システム一覧!A27"),
    ("INV005", f"{A} システム一覧!A28"),
    ("INV003", f"{B} システム台帳!N2"),
    ("INV031", f"{B} システム台帳!J6"),
    ("INV033", f"{B} システム台帳!J8"),
    ("INV005", f"{B} システム台帳!A17"),
]
CHECK_FINDINGS = [
    ("INV103", f"{A} システム一覧!H12"),  # the cell of the contract end
    ("INV104", f"{A} システム一覧!J16"),  # the cell of the planned date
    ("INV103", f"{B} システム台帳!H5"),
    ("INV101", ""), ("INV101", ""),
    # Cut-overs per weekend over the vendors' stated slots: A 7 > 6 on 01-31, 10 > 6 on 01-03; B 4 > 2 on
    # 02-14; each at the planned date of the first cut-over over the limit.
    ("INV110", f"{A} システム一覧!J19"), ("INV110", f"{A} システム一覧!J23"),
    ("INV102", f"{A} 連携一覧!B4"),  # the 連携先 cell that names no system
    ("INV110", f"{B} システム台帳!J13"), ("INV105", f"{B} システム台帳!J15"),
]


def _found(report) -> list[tuple[str, str]]:
    return [(f.code, str(f.location).replace(str(DATA / "sample_data" / "inventory") + "/", ""))
            for f in report.findings if f.code not in ("INV090", "INV091")]


def _snapshot(store: Store) -> dict:
    with store.reader() as session:
        from migrator.store.inventory_repo import load_inventory

        return {"counts": inventory_counts(session), "inventory": load_inventory(session)}


def test_samples_import_with_documented_counts_and_findings(store: Store) -> None:
    refused = import_inventory(SAMPLES, store=store)
    assert refused.counts_by_severity["error"] == 4  # four values written that cannot be read
    assert refused.summary["written"] is False
    with store.reader() as session:
        assert inventory_counts(session) == dict.fromkeys(COUNTS, 0)

    report = import_inventory(SAMPLES, store=store, partial=True)
    assert _found(report) == IMPORT_FINDINGS
    assert report.summary["read"] == COUNTS
    assert report.summary["written"] is True
    created = {f.message_en for f in report.findings if f.code == "INV090"}
    assert created == {"Created 3 records of municipality.", "Created 2 records of vendor.",
                       "Created 31 records of system.", "Created 10 records of interface."}
    assert {f.message_ja for f in report.findings if f.code == "INV090"} == {
        "団体 を 3 件新規に登録しました。", "ベンダー を 2 件新規に登録しました。", "システム を 31 件新規に登録しました。",
        "連携 を 10 件新規に登録しました。"}
    first = _snapshot(store)
    assert first["counts"] == COUNTS
    hachioji = [s for s in first["inventory"].systems if s.municipality_code == "132012"]
    assert len({s.area_code for s in hachioji}) == 20

    again = import_inventory(SAMPLES, store=store, partial=True)
    assert not [f for f in again.findings if f.code in ("INV090", "INV091")]
    assert again.summary["written"] is False
    assert _snapshot(store) == first

    checked = check_store(store)
    assert _found(checked) == CHECK_FINDINGS
    (late,) = [f for f in checked.findings if f.code == "INV104"]
    assert "（2025年度末）" in late.message_ja and "(FY2025)" in late.message_en
    assert checked.counts_by_severity == {"error": 3, "warning": 7, "info": 0}


def test_values_read_from_the_messy_layout(store: Store) -> None:
    import_inventory(SAMPLES, store=store, partial=True)
    inv = _snapshot(store)["inventory"]
    by_key = {(s.municipality_code, s.name): s for s in inv.systems}
    juki = by_key[("132021", "住民情報システム")]
    assert juki.current_vendor == "株式会社エーシステム"  # written ｴｰｼｽﾃﾑ㈱
    assert (juki.contract_end.isoformat(), juki.planned_date.isoformat(), juki.record_count) == (
        "2026-03-31", "2026-01-13", 184000)
    assert juki.special_support is True and juki.deadline.isoformat() == "2031-03-31"
    kodomo = by_key[("132039", "子育て支援システム")]
    assert kodomo.area_code == "028" and kodomo.special_deadline.isoformat() == "2031-03-31"
    assert by_key[("132039", "戸籍システム")].area_code == "003"
    assert by_key[("132021", "固定資産税システム")].area_code == "012"
    assert {v.name: v.capacity for v in inv.vendors} == {"株式会社エーシステム": 10, "ビー情報サービス株式会社": 3}


def test_newer_workbook_updates_changed_fields_and_reports_them(store: Store, tmp_path: Path) -> None:
    import openpyxl

    import_inventory(SAMPLES, store=store, partial=True)
    newer = tmp_path / A
    wb = openpyxl.load_workbook(SAMPLES[0])
    wb["システム一覧"]["J16"] = "2026/3/2"  # 健康管理: planned date moved forward
    wb["システム一覧"]["N16"] = None
    wb["システム一覧"]["O5"] = 12  # 情報担当職員数 of the municipality
    wb["ベンダー"]["B2"] = 9  # 同時作業上限 of the first vendor
    wb.save(newer)
    report = import_inventory([newer], store=store, partial=True)
    updates = [(f.location.text(), f.message_en) for f in report.findings if f.code == "INV091"]
    # each update names the cell of the field that changed, not the first cell of its row
    assert sorted(updates) == sorted([
        (f"{newer} システム一覧!O5", "municipality '132012': IT staff changed from '10' to '12'."),
        (f"{newer} ベンダー!B2", "vendor '株式会社エーシステム': teams changed from '10' to '9'."),
        (f"{newer} システム一覧!J16",
         "system '132012 019 健康管理システム': planned date changed from '2026-05-06' to '2026-03-02'."),
        (f"{newer} システム一覧!N16", "system '132012 019 健康管理システム': notes changed from '移行時期を再調整中' to ''."),
    ])
    assert "システム「132012 019 健康管理システム」の 移行予定日 を「2026-05-06」から「2026-03-02」に更新しました。" in [
        f.message_ja for f in report.findings if f.code == "INV091"]
    assert _snapshot(store)["counts"] == COUNTS


def test_a_vendor_change_names_the_vendors_not_their_ids(store: Store, tmp_path: Path) -> None:
    import openpyxl

    import_inventory(SAMPLES, store=store, partial=True)
    newer = tmp_path / A
    wb = openpyxl.load_workbook(SAMPLES[0])
    wb["システム一覧"]["F16"] = "ビー情報サービス株式会社"  # 健康管理: another target vendor
    wb.save(newer)
    report = import_inventory([newer], store=store, partial=True)
    changed = [f for f in report.findings if f.code == "INV091"]
    assert [(f.location.text(), f.message_en) for f in changed] == [
        (f"{newer} システム一覧!F16", "system '132012 019 健康管理システム': target vendor changed from "
                                     "'株式会社エーシステム' to 'ビー情報サービス株式会社'.")]
    assert changed[0].message_ja == ("システム「132012 019 健康管理システム」の 移行先ベンダー を「株式会社エーシステム」から"
                                     "「ビー情報サービス株式会社」に更新しました。")


def test_cli_import_list_check_export(workdir: Path) -> None:
    run_cli("inventory", "import", *map(str, SAMPLES), expect=1)
    assert "Nothing was written" in run_cli("inventory", "import", *map(str, SAMPLES), expect=1).stdout
    result = run_cli("inventory", "import", "--partial", *map(str, SAMPLES), "--format", "json", expect=1)
    assert '"INV090"' in result.stdout
    listed = run_cli("inventory", "list", "--municipality", "132039", "--format", "json")
    import json

    data = json.loads(listed.stdout)
    assert [s["system_name"] for s in data["systems"]] == [
        "住民情報システム", "戸籍システム", "住民税システム", "児童手当システム", "子育て支援システム"]
    by_vendor = json.loads(run_cli("inventory", "list", "--vendor", "(株)エーシステム", "--format", "json").stdout)
    assert len(by_vendor["systems"]) == 24
    run_cli("inventory", "check", expect=1)
    run_cli("inventory", "export", "-o", "out.xlsx")
    # The export is the normalized inventory: importing it back changes nothing.
    back = run_cli("inventory", "import", "out.xlsx", "--format", "json")
    assert '"INV091"' not in back.stdout and '"INV090"' not in back.stdout


def test_demo_step_writes_reports_and_export(store: Store, tmp_path: Path) -> None:
    from migrator.demo import DemoContext
    from migrator.demo.inventory import demo_step

    step = demo_step(DemoContext(root=DATA, out_dir=tmp_path, store=store))
    assert step.detail == ("imported 2 workbooks: 3 municipalities, 31 systems, 10 interfaces, 2 vendors; "
                           "check: 3 errors, 7 warnings")
    assert all(p.is_file() for p in step.outputs)


SYSTEM_KEYS = ["municipality_code", "municipality_name", "area_code", "area_name", "system_name", "current_vendor",
               "target_vendor", "hosting", "contract_end", "release_date", "planned_date", "record_count",
               "special_support", "special_deadline", "notes"]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_list_json_keys_are_the_same_identifiers_in_either_language(workdir: Path, lang: str) -> None:
    run_cli("inventory", "import", "--partial", *map(str, SAMPLES), expect=1)
    data = json.loads(run_cli("--lang", lang, "inventory", "list", "-m", "132039", "--format", "json").stdout)
    assert list(data) == ["municipalities", "systems", "interfaces", "vendors"]
    assert all(list(s) == SYSTEM_KEYS for s in data["systems"])
    first = data["systems"][0]
    assert (first["municipality_code"], first["area_code"], first["area_name"], first["system_name"]) == (
        "132039", "001", "住民基本台帳", "住民情報システム")
    assert isinstance(first["special_support"], bool)
    assert all(k.isascii() for row in (*data["municipalities"], *data["interfaces"], *data["vendors"]) for k in row)
    # the data is the data: the other language lists exactly the same JSON
    other = "en" if lang == "ja" else "ja"
    assert json.loads(run_cli("--lang", other, "inventory", "list", "-m", "132039", "--format", "json").stdout) == data


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_list_and_export_speak_one_language_and_export_imports_back_whole(workdir: Path, lang: str) -> None:
    import openpyxl

    run_cli("inventory", "import", "--partial", *map(str, SAMPLES), expect=1)
    header = run_cli("--lang", lang, "inventory", "list", "-m", "132039").stdout.splitlines()[0]
    assert header.startswith("団体コード" if lang == "ja" else "municipality")
    if lang == "en":
        assert not any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in header)
    run_cli("--lang", lang, "inventory", "export", "-o", "out.xlsx")
    wb = openpyxl.load_workbook("out.xlsx")
    assert wb.sheetnames == (["システム一覧", "連携一覧", "ベンダー"] if lang == "ja" else ["systems", "interfaces", "vendors"])
    vendors = [[c.value for c in row] for row in wb.worksheets[2].iter_rows()]
    assert vendors[0][:3] == (["ベンダー", "同時作業上限", "同時移行プロジェクト数"] if lang == "ja"
                              else ["vendor", "teams", "project slots"])
    # the vendor's limits go with it: teams, project slots, cut-overs per day, weekend, month
    assert {r[0]: r[1:6] for r in vendors[1:]} == {"株式会社エーシステム": [10, 16, None, 6, None],
                                                   "ビー情報サービス株式会社": [3, 5, None, 2, 6]}
    # Into a fresh store, the export gives back the same inventory: limits and IT staff included.
    first = json.loads(run_cli("inventory", "list", "--format", "json").stdout)
    fresh = run_cli("--db", "sqlite:///fresh.db", "inventory", "import", "out.xlsx", "--format", "json")
    assert json.loads(fresh.stdout)["counts"]["error"] == 0
    again = json.loads(run_cli("--db", "sqlite:///fresh.db", "inventory", "list", "--format", "json").stdout)
    assert (again["systems"], again["interfaces"]) == (first["systems"], first["interfaces"])
    run_cli("--db", "sqlite:///fresh.db", "--lang", lang, "inventory", "export", "-o", "again.xlsx")
    back = openpyxl.load_workbook("again.xlsx")
    assert [[[c.value for c in row] for row in ws.iter_rows()] for ws in back.worksheets] == [
        [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets]
