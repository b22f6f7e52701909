"""`migrator validate` refuses bad arguments up front, before a long run, with a clear message."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import DATA, run_cli

MAPPING = str(DATA / "mappings" / "juki_rdb_jumin.xlsx")
EXTRACT = str(DATA / "sample_data" / "extracts" / "juki_rdb_clean_kojin.csv")


def test_unknown_encoding_is_a_usage_error(workdir: Path) -> None:
    result = run_cli("--lang", "ja", "validate", MAPPING, EXTRACT, "--encoding", "shift_jis_2004", "--no-store",
                     expect=2)
    assert "cp932" in result.stderr
    assert "内部エラー" not in result.stderr and "Internal error" not in result.stderr


def test_sjis_means_cp932(workdir: Path) -> None:
    from migrator.cli.run import _encoding

    assert _encoding("SJIS") == "cp932"
    assert _encoding("shift_jis") == "cp932"
    assert _encoding("UTF8") == "utf-8"


def test_a_folder_is_not_an_extract(workdir: Path, tmp_path: Path) -> None:
    result = run_cli("validate", MAPPING, str(tmp_path), "--no-store", expect=2)
    assert "is a folder" in result.stderr


def test_outdated_server_database_stops_the_run_before_it_starts(workdir: Path, tmp_path: Path, pg_url: str) -> None:
    out = tmp_path / "out"
    result = run_cli("--db", pg_url, "validate", MAPPING, EXTRACT, "--out", str(out), expect=2)
    assert "migrator db upgrade" in result.stderr
    assert not out.exists()


def test_a_new_sqlite_database_is_created_for_the_run(workdir: Path, tmp_path: Path) -> None:
    target = tmp_path / "new.db"
    run_cli("--db", f"sqlite:///{target}", "validate", MAPPING, EXTRACT, "--out", str(tmp_path / "out"))
    assert target.is_file()


def test_the_run_ends_with_rows_in_written_and_rejected_per_table(workdir: Path) -> None:
    kojin, setai = DATA / "sample_data" / "extracts" / "juki_rdb_kojin.csv", DATA / "sample_data" / "extracts" / "juki_rdb_setai.csv"
    result = run_cli("validate", MAPPING, str(kojin), str(DATA / "mappings" / "juki_rdb_setai.xlsx"), str(setai),
                     "--out", "run", "--no-store", expect=1, env={"COLUMNS": "200"})
    data = json.loads(run_cli("validate", MAPPING, str(kojin), str(DATA / "mappings" / "juki_rdb_setai.xlsx"),
                              str(setai), "--out", "run2", "--no-store", "--format", "json", expect=1).stdout)
    last = result.stdout.rstrip().splitlines()[-2:]
    s = data["summary"]
    assert last[0].startswith("juki-rdb-to-001-jumin: 3,000 rows in, ")
    assert last[1].startswith("juki-rdb-to-001-setai: 1,138 rows in, ")
    assert last[0].endswith("→ run/juki-rdb-to-001-jumin.csv") and last[1].endswith("→ run/juki-rdb-to-001-setai.csv")
    written = [int(line.split(", ")[1].split()[0].replace(",", "")) for line in last]
    rejected = [int(line.split(", ")[2].split()[0].replace(",", "")) for line in last]
    assert (sum(written), sum(rejected)) == (s["rows_out"], s["rows_rejected"])
