"""A downgrade that would lose or cut data changes nothing and names the rows, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from migrator.errors import StoreError
from migrator.services.inventory import import_inventory
from migrator.store import current_revision, downgrade, head_revision, make_engine, open_store, upgrade
from migrator.store.inventory_repo import inventory_counts
from tests.conftest import run_cli

LONG_METHOD = "夜間バッチによるCSVファイル連携（SFTP経由・暗号化あり）"


def _seed(db_url: str, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "システム一覧"
    ws.append(["団体コード", "団体名", "業務", "システム名"])
    ws.append(["132012", "八王子市", "住記", "住民記録システム"])
    ws.append(["132012", "八王子市", "国保", "国保システム"])
    links = wb.create_sheet("連携一覧")
    links.append(["連携元", "連携先", "方式"])
    links.append(["住民記録システム", "国保システム", LONG_METHOD])
    wb.save(tmp_path / "inv.xlsx")
    upgrade(db_url)
    store = open_store(db_url)
    try:
        assert import_inventory([tmp_path / "inv.xlsx"], store=store).summary["written"]
    finally:
        store.close()


def _revision(db_url: str) -> str | None:
    engine = make_engine(db_url)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


def _counts(db_url: str) -> dict[str, int]:
    store = open_store(db_url)
    try:
        with store.reader() as session:
            return inventory_counts(session)
    finally:
        store.close()


def test_a_downgrade_that_would_cut_values_is_refused_even_with_force(db_url: str, tmp_path: Path) -> None:
    _seed(db_url, tmp_path)
    before = _counts(db_url)
    for force in (False, True):
        with pytest.raises(StoreError) as caught:
            downgrade(db_url, "0001", force=force)
        message = str(caught.value)
        assert "interface.method is longer than 20 characters in 1 row: interface 1 (132012 住民記録システム → 国保システム)" \
            in message
        assert "nothing was changed" in message
        assert _revision(db_url) == head_revision()
    assert _counts(db_url) == before


def test_dropping_values_needs_force_and_the_cli_names_the_rows(db_url: str, tmp_path: Path, workdir: Path) -> None:
    _seed(db_url, tmp_path)
    refused = run_cli("--db", db_url, "db", "downgrade", "0002", expect=2)
    assert "interface.origin" in refused.stderr and "interface 1 (132012" in refused.stderr
    assert "--force" in refused.stderr and "Traceback" not in refused.stderr
    assert _revision(db_url) == head_revision()
    run_cli("--db", db_url, "db", "downgrade", "0002", "--force")
    assert _revision(db_url) == "0002"
    base = run_cli("--db", db_url, "db", "downgrade", "base", expect=2)
    assert "table interface would be dropped" in base.stderr and "table municipality would be dropped" in base.stderr
    run_cli("--db", db_url, "db", "upgrade")
    assert _counts(db_url)["interfaces"] == 1


def test_the_importer_knows_the_widths_of_the_store_columns() -> None:
    from migrator.inventory.model import MAX_LENGTHS
    from migrator.store import models as m

    columns = {"municipality_name": m.Municipality.name, "name": m.System.name, "current_vendor": m.Vendor.name,
               "target_vendor": m.Vendor.name, "source": m.Interface.source_name,
               "target": m.Interface.target_name, "method": m.Interface.method}
    assert {f: c.property.columns[0].type.length for f, c in columns.items()} == MAX_LENGTHS


def test_undoing_the_risk_register_revision_names_the_snapshots_it_would_drop(db_url: str, workdir: Path) -> None:
    from sqlalchemy import text

    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO risk_snapshot (taken_at, municipality_code, as_of, concerns) "
                              "VALUES ('2026-04-01 09:00:00', '132012', '2026-04-01', '[]')"))
    finally:
        engine.dispose()
    refused = run_cli("--db", db_url, "db", "downgrade", "0004", expect=2)
    assert "risk_snapshot" in refused.stderr and "snapshot 1 (132012" in refused.stderr
    assert _revision(db_url) == head_revision()
    run_cli("--db", db_url, "db", "downgrade", "0004", "--force")
    assert _revision(db_url) == "0004"


def test_undoing_the_resource_limits_names_the_vendors_and_municipalities(db_url: str, workdir: Path) -> None:
    from sqlalchemy import text

    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO municipality (code, name, staff, created_at, updated_at) "
                              "VALUES ('132012', '八王子市', 3, '2026-04-01', '2026-04-01')"))
            conn.execute(text("INSERT INTO vendor (name, name_key, projects, created_at, updated_at) "
                              "VALUES ('エーシステム', 'エーシステム', 12, '2026-04-01', '2026-04-01')"))
    finally:
        engine.dispose()
    refused = run_cli("--db", db_url, "db", "downgrade", "0005", expect=2)
    assert "vendor 1 (エーシステム)" in refused.stderr and "municipality 1 (132012)" in refused.stderr
    assert _revision(db_url) == head_revision()
    run_cli("--db", db_url, "db", "downgrade", "0005", "--force")
    assert _revision(db_url) == "0005"


def test_undoing_the_interface_cells_names_the_interfaces_and_keeps_the_rest(db_url: str, tmp_path: Path,
                                                                               workdir: Path) -> None:
    from sqlalchemy import text

    _seed(db_url, tmp_path)
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            stored = conn.execute(text("SELECT cells FROM interface")).scalar_one()
    finally:
        engine.dispose()
    stored = stored if isinstance(stored, dict) else json.loads(stored)
    assert stored == {"source": "A2", "target": "B2", "method": "C2"}
    before = _counts(db_url)
    refused = run_cli("--db", db_url, "db", "downgrade", "0006", expect=2)
    assert "interface.cells" in refused.stderr and "interface 1 (132012 住民記録システム → 国保システム)" in refused.stderr
    ja = run_cli("--lang", "ja", "--db", db_url, "db", "downgrade", "0006", expect=2).stderr
    assert ("0007 の取り消しで interface.cells (各連携の連携元・連携先のセル) が削除されます "
            "(1 件: 連携 1 (132012 住民記録システム → 国保システム))") in ja
    assert "undoing" not in ja and "would be dropped" not in ja
    assert _revision(db_url) == head_revision()
    run_cli("--db", db_url, "db", "downgrade", "0006", "--force")
    assert _revision(db_url) == "0006"
    upgrade(db_url)
    assert _counts(db_url) == before  # only the cells went


@pytest.mark.parametrize("step", [upgrade, downgrade])
def test_an_unknown_revision_is_named_with_the_known_ones(tmp_path: Path, step: object) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    with pytest.raises(StoreError) as caught:
        step(url, "nonsense")  # type: ignore[operator]
    assert "'nonsense'" in caught.value.en and "base, 0001" in caught.value.en and head_revision() in caught.value.en
    assert _revision(url) == head_revision()
    result = run_cli("--db", url, "db", "downgrade", "nonsense", expect=2)
    assert "Traceback" not in result.stderr and "nonsense" in result.stderr


def test_a_file_that_is_no_database_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("garbage", encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        upgrade(f"sqlite:///{path}")
    assert "not a database" in caught.value.en
    result = run_cli("--db", f"sqlite:///{path}", "inventory", "list", expect=2)
    assert "Traceback" not in result.stderr and "Internal error" not in result.stderr + result.stdout
    assert path.read_text(encoding="utf-8") == "garbage"


def test_a_command_that_only_reads_does_not_create_a_store_at_a_mistyped_path(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'typo' / 'm.db'}"
    for command in (["inventory", "list"], ["plan", "show", "-s", "base"], ["plan", "compare", "a", "b"]):
        result = run_cli("--lang", "en", "--db", url, *command, expect=2)
        assert "There is no store at" in result.stderr and "Traceback" not in result.stderr
    current = run_cli("--db", url, "db", "current", "--format", "json", expect=0)
    assert '"current": null' in current.stdout
    assert not (tmp_path / "typo").exists()
    with pytest.raises(StoreError):
        open_store(url, create=False)
    open_store(url).close()  # a command that writes creates it
    assert (tmp_path / "typo" / "m.db").exists()


def test_a_dropped_table_is_said_with_its_number_of_rows_in_both_languages(db_url: str, tmp_path: Path) -> None:
    # A table is one loss holding a count of rows, not one row: "in 1 row: 2 rows" / "(1 件: 2 行)" misread it.
    _seed(db_url, tmp_path)
    with pytest.raises(StoreError) as caught:
        downgrade(db_url, "base")
    en, ja = caught.value.message("en"), caught.value.message("ja")
    assert "undoing 0001: table system would be dropped with its 2 rows" in en
    assert "in 1 row: 2 rows" not in en
    assert "0001 の取り消しで テーブル system が削除されます (2 行)" in ja
    assert "1 件: 2 行" not in ja
