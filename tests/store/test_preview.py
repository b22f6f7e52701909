"""A dry run, and an import that writes nothing, leave the store as it was: its schema revision and its rows on
SQLite and PostgreSQL, and on SQLite every byte of the file, also when the store is behind the head revision."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from migrator.store import current_revision, head_revision, make_engine, upgrade
from migrator.store.db import alembic_config, sqlite_file
from tests.conftest import run_cli


def _older_revisions() -> list[str]:
    """Every revision before the head, oldest first: a store any earlier release may have left."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return [r.revision for r in reversed(list(script.walk_revisions())) if r.revision != head_revision()]


OLDER = _older_revisions()


def _workbook(path: Path, *rows: list[str]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "システム一覧"
    ws.append(["団体コード", "団体名", "業務", "システム名"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _old_store(url: str, revision: str) -> None:
    """A store that an earlier release created: upgraded only to ``revision``, holding one municipality."""
    upgrade(url, revision)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO municipality (code, name) VALUES ('131016', '千代田区')"))
    finally:
        engine.dispose()


def _state(url: str) -> tuple[str | None, list[tuple[object, ...]], str | None]:
    """The revision, the municipality rows and (SQLite) a digest of the file's bytes."""
    engine = make_engine(url)
    try:
        revision = current_revision(engine)
        with engine.connect() as conn:
            rows = [tuple(r) for r in conn.execute(sa.text("SELECT code, name FROM municipality ORDER BY code"))]
    finally:
        engine.dispose()
    file = sqlite_file(url)
    digest = hashlib.sha256(file.read_bytes()).hexdigest() if file is not None else None
    return revision, rows, digest


def _findings(stdout: str) -> dict[str, list[dict[str, object]]]:
    out: dict[str, list[dict[str, object]]] = {}
    for f in json.loads(stdout)["findings"]:
        out.setdefault(f["code"], []).append(f)
    return out


@pytest.mark.parametrize("revision", OLDER)
def test_a_dry_run_on_an_outdated_sqlite_store_compares_with_an_upgraded_copy(
        revision: str, tmp_path: Path, workdir: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _old_store(url, revision)
    before = _state(url)
    book = _workbook(tmp_path / "inv.xlsx", ["131016", "千代田区", "住記", "住記システム"],
                     ["132012", "八王子市", "国保", "国保システム"])
    result = run_cli("--db", url, "inventory", "import", str(book), "--dry-run", "--format", "json")
    assert _state(url) == before  # not upgraded, no row, not one byte changed
    data = json.loads(result.stdout)
    # the comparison saw the stored 千代田区: only 八王子市 is new, and both systems
    assert data["summary"]["per_municipality"] == {"131016": {"added": 1, "changed": 0},
                                                   "132012": {"added": 2, "changed": 0}}
    assert not data["summary"]["written"]
    notice = _findings(result.stdout)["INV092"]
    assert len(notice) == 1 and f"revision {revision}, not {head_revision()}" in str(notice[0]["message"])
    assert "old.db" in str(notice[0]["message"])
    ja = run_cli("--lang", "ja", "--db", url, "inventory", "import", str(book), "--dry-run")
    assert f"リビジョンは {revision} で最新 ({head_revision()}) ではない" in ja.stdout
    assert _state(url) == before
    # the real import does upgrade it and save
    run_cli("--db", url, "inventory", "import", str(book))
    assert _state(url)[:2] == (head_revision(), [("131016", "千代田区"), ("132012", "八王子市")])


def test_a_dry_run_on_an_empty_sqlite_file_leaves_it_empty(tmp_path: Path, workdir: Path) -> None:
    (tmp_path / "empty.db").write_bytes(b"")
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    book = _workbook(tmp_path / "inv.xlsx", ["132012", "八王子市", "国保", "国保システム"])
    result = run_cli("--db", url, "inventory", "import", str(book), "--dry-run", "--format", "json")
    assert "revision base" in str(_findings(result.stdout)["INV092"][0]["message"])
    assert (tmp_path / "empty.db").read_bytes() == b""


def test_a_dry_run_on_a_current_store_changes_nothing(db_url: str, tmp_path: Path, workdir: Path) -> None:
    upgrade(db_url)
    first = _workbook(tmp_path / "a.xlsx", ["132012", "八王子市", "国保", "国保システム"])
    run_cli("--db", db_url, "inventory", "import", str(first))
    before = _state(db_url)
    renamed = _workbook(tmp_path / "b.xlsx", ["132012", "八王子", "国保", "国保システム"],
                        ["131016", "千代田区", "住記", "住記システム"])
    result = run_cli("--db", db_url, "inventory", "import", str(renamed), "--dry-run", "--format", "json")
    found = _findings(result.stdout)
    assert "INV092" not in found and [f["item"] for f in found["INV091"]] == ["132012"]
    assert _state(db_url) == before


def test_a_dry_run_on_an_outdated_server_store_is_refused_like_the_import(pg_url: str, tmp_path: Path,
                                                                          workdir: Path) -> None:
    # a server database is never upgraded behind the user's back: the dry run says what the import would say
    _old_store(pg_url, OLDER[-1])
    before = _state(pg_url)
    book = _workbook(tmp_path / "inv.xlsx", ["132012", "八王子市", "国保", "国保システム"])
    for dry in (["--dry-run"], []):
        result = run_cli("--db", pg_url, "inventory", "import", str(book), *dry, expect=2)
        assert "migrator db upgrade" in result.stderr and "Traceback" not in result.stderr
        assert _state(pg_url) == before


@pytest.mark.parametrize("revision", [OLDER[0], OLDER[-1]])
def test_an_import_that_writes_nothing_leaves_an_outdated_store_as_it_was(revision: str, tmp_path: Path,
                                                                          workdir: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _old_store(url, revision)
    before = _state(url)
    bad = _workbook(tmp_path / "bad.xlsx", ["132012", "八王子市", "文書管理", "文書システム"],
                    ["132012", "八王子市", "国保", "国保システム"])
    result = run_cli("--db", url, "inventory", "import", str(bad), "--format", "json", expect=1)
    assert "INV098" in _findings(result.stdout)
    assert _state(url) == before


def test_a_failed_import_leaves_a_current_store_as_it_was(db_url: str, tmp_path: Path, workdir: Path) -> None:
    upgrade(db_url)
    run_cli("--db", db_url, "inventory", "import",
            str(_workbook(tmp_path / "a.xlsx", ["132012", "八王子市", "国保", "国保システム"])))
    before = _state(db_url)
    bad = _workbook(tmp_path / "bad.xlsx", ["132012", "八王子", "文書管理", "文書システム"],
                    ["131016", "千代田区", "住記", "住記システム"])
    run_cli("--db", db_url, "inventory", "import", str(bad), expect=1)
    assert _state(db_url) == before
