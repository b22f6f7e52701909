"""The package carries its data: bundled schemas found from any folder, user schemas first, samples written out."""

from __future__ import annotations

import json
from pathlib import Path

from migrator.bundled import bundled, sample_files, schema_dirs
from tests.conftest import DATA, run_cli


def test_the_bundled_folders_are_the_package_data() -> None:
    assert bundled("schemas") == DATA / "schemas"
    rel = {str(p) for p in sample_files()}
    assert {"schemas/standard/001_juki.yaml", "mappings/juki_rdb_jumin.xlsx",
            "sample_data/extracts/juki_mainframe.dat", "sample_data/inventory/vendor_a_hachioji.xlsx"} <= rel


def test_schemas_are_found_from_any_folder(workdir: Path) -> None:
    ids = {row["id"] for row in json.loads(run_cli("schema", "list", "--format", "json").stdout)}
    assert {"std-001-juki", "legacy-juki-mainframe", "legacy-juki-rdb"} <= ids


def test_a_users_schema_folder_is_searched_first(workdir: Path, monkeypatch) -> None:
    mine = workdir / "my-schemas"
    mine.mkdir()
    text = (DATA / "schemas" / "legacy" / "juki_rdb.yaml").read_text(encoding="utf-8")
    (mine / "juki_rdb.yaml").write_text(text.replace("title: ", "title: 自団体版 ", 1), encoding="utf-8")
    monkeypatch.setenv("MIGRATOR_SCHEMAS", str(mine))
    assert schema_dirs() == (mine, DATA / "schemas")
    rows = json.loads(run_cli("schema", "list", "--format", "json").stdout)
    rdb = next(r for r in rows if r["id"] == "legacy-juki-rdb")
    assert rdb["title"].startswith("自団体版") and rdb["path"] == str(mine / "juki_rdb.yaml")
    assert any(r["id"] == "std-001-juki" for r in rows)  # the bundled ones are still there


def test_a_missing_schema_folder_names_the_setting(workdir: Path, monkeypatch) -> None:
    monkeypatch.setenv("MIGRATOR_SCHEMAS", str(workdir / "nowhere"))
    result = run_cli("schema", "list", expect=2)
    assert "MIGRATOR_SCHEMAS" in result.stderr and "nowhere" in result.stderr


def test_an_unknown_schema_in_a_mapping_says_where_own_schemas_go(workdir: Path) -> None:
    text = (DATA / "mappings" / "juki_rdb_setai.yaml").read_text(encoding="utf-8")
    bad = workdir / "m.yaml"
    bad.write_text(text.replace("legacy-juki-rdb", "legacy-our-own", 1), encoding="utf-8")
    report = json.loads(run_cli("mapping", "check", str(bad), "--format", "json", expect=1).stdout)
    found = [f for f in report["findings"] if f["code"] == "MAP207"]
    assert found and "MIGRATOR_SCHEMAS" in found[0]["message"]


def test_samples_are_written_out_and_kept_unless_forced(workdir: Path) -> None:
    first = run_cli("samples", "tour")
    total = len(sample_files())
    assert f"Wrote {total} files" in first.stdout
    target = workdir / "tour" / "mappings" / "juki_rdb_jumin.xlsx"
    assert target.read_bytes() == (DATA / "mappings" / "juki_rdb_jumin.xlsx").read_bytes()
    target.write_bytes(b"edited")
    again = run_cli("samples", "tour")
    assert "Wrote 0 files" in again.stdout and f"Kept {total} existing files" in again.stdout
    assert target.read_bytes() == b"edited"
    run_cli("samples", "tour", "--force")
    assert target.read_bytes() == (DATA / "mappings" / "juki_rdb_jumin.xlsx").read_bytes()


def test_samples_say_one_file_kept_and_one_written(workdir: Path) -> None:
    run_cli("samples", "tour")
    kept = workdir / "tour" / "mappings" / "juki_rdb_jumin.xlsx"
    kept.unlink()
    again = run_cli("--lang", "en", "samples", "tour")
    assert "Wrote 1 file into" in again.stdout
    # every file but the one removed is kept: remove all but one to see the word for one
    for path in sorted(p for p in (workdir / "tour").rglob("*") if p.is_file())[1:]:
        path.unlink()
    last = run_cli("--lang", "en", "samples", "tour")
    assert f"Wrote {len(sample_files()) - 1} files" in last.stdout
    assert "Kept 1 existing file (use --force to overwrite)." in last.stdout
