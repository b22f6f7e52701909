"""A hostile environment rather than a hostile file: a full disk, an extract that changes while it is read,
Ctrl-C in the middle of a run, a line that never ends, a file the user may not read.

Each failure is a located input error in the chosen language (never an internal error), the exit code says
the run failed, and the output folder holds no file that looks like a finished output.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from migrator.errors import InputError
from migrator.validation.readers import ExtractReader, ReadOptions
from tests.conftest import DATA, REPO, run_cli
from tests.hostile import builders as b
from tests.hostile.conftest import refused

MAINFRAME_XLSX = DATA / "mappings" / "juki_mainframe_jumin.xlsx"
MAINFRAME_DAT = DATA / "sample_data" / "extracts" / "juki_mainframe.dat"
SETAI_XLSX = DATA / "mappings" / "juki_rdb_setai.xlsx"
SETAI_CSV = DATA / "sample_data" / "extracts" / "juki_rdb_clean_setai.csv"


def _full_disk(monkeypatch: pytest.MonkeyPatch, *, after: int = 0) -> None:
    """Make polars' CSV writes of converted rows fail as a full disk does (its error has no errno attribute),
    after ``after`` of them succeeded."""
    real = pl.DataFrame.write_csv
    calls = {"n": 0}

    def write_csv(self: pl.DataFrame, file: Any = None, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("include_header") is False:
            calls["n"] += 1
            if calls["n"] > after:
                raise OSError("No space left on device (os error 28)")
        return real(self, file, *args, **kwargs)

    monkeypatch.setattr(pl.DataFrame, "write_csv", write_csv)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_full_disk_is_a_located_error_and_leaves_no_output(workdir: Path, monkeypatch: pytest.MonkeyPatch,
                                                             lang: str) -> None:
    _full_disk(monkeypatch)
    out = workdir / "out"
    res = refused("--lang", lang, "validate", str(b.MAPPING_XLSX), str(b.EXTRACT_CSV), "--out", str(out),
                  "--no-store", code="CORE120", places=(str(out / "juki-rdb-to-001-jumin.csv"),))
    assert ("no space left on the device" if lang == "en" else "ディスクの空きがありません") in res.stderr
    assert "内部エラー" not in res.stderr
    assert sorted(os.listdir(out)) == []


def test_a_failed_second_table_removes_the_first_tables_outputs(workdir: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    out = workdir / "out"
    _full_disk(monkeypatch, after=1)  # the first table's one batch is written, the second table's is not
    refused("validate", str(b.MAPPING_XLSX), str(b.EXTRACT_CSV), str(SETAI_XLSX), str(SETAI_CSV), "--out", str(out),
            "--no-store", code="CORE120")
    assert sorted(os.listdir(out)) == []


def test_a_full_disk_on_the_last_batch_of_an_extract_with_unread_rows_leaves_no_output(
        workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from migrator.validation import run as run_module

    real_put = run_module._Sink.put

    def put(self: Any, write: Any) -> None:  # each write done before the run goes on: the error is seen early
        real_put(self, write)
        time.sleep(0.1)

    monkeypatch.setattr(run_module._Sink, "put", put)
    _full_disk(monkeypatch, after=2)  # three batches of 1,000 rows: the last one's write fails
    extract = workdir / "kojin.csv"
    extract.write_bytes(b.EXTRACT_CSV.read_bytes() + b"1,2,3\n")  # a ragged last record: a row not read
    out = workdir / "out"
    refused("validate", str(b.MAPPING_XLSX), str(extract), "--out", str(out), "--no-store", "--batch-rows", "1000",
            code="CORE120", places=(str(out / "juki-rdb-to-001-jumin.csv"),))
    assert sorted(os.listdir(out)) == []


def _report_disk_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Excel report meets a full disk."""
    from migrator.validation import outputs

    def full(path: Path, *_a: Any, **_k: Any) -> Path:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(outputs, "write_workbook", full)


def test_a_report_that_cannot_be_written_takes_the_run_outputs_with_it(workdir: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _report_disk_full(monkeypatch)
    out = workdir / "out"
    refused("validate", str(b.MAPPING_XLSX), str(b.EXTRACT_CSV), "--out", str(out), "--no-store", code="CORE120",
            places=(str(out / "report.xlsx"), "no space left"))
    assert sorted(os.listdir(out)) == []


def test_a_batch_job_whose_report_cannot_be_written_keeps_no_converted_file(workdir: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    _report_disk_full(monkeypatch)
    manifest = workdir / "nightly.csv"
    manifest.write_text("job,municipality,mapping,extract\n"
                        f"a,132012,{b.MAPPING_XLSX},{b.EXTRACT_CSV}\n", encoding="utf-8")
    out = workdir / "out"
    refused("batch", str(manifest), "--out", str(out), "--workers", "1", code="CORE120",
            places=(str(out / "a" / "report.xlsx"), "no space left"))
    assert [p.name for p in out.rglob("*") if p.is_file()] == []


def test_a_part_file_left_by_a_killed_run_of_the_same_process_id_is_no_obstacle(workdir: Path) -> None:
    # In a container every run may get the same process id: a run killed outright (out of memory) left its
    # hidden files under the names the next run writes under.
    out = workdir / "out"
    out.mkdir()
    for name in ("juki-rdb-to-001-jumin.csv", "juki-rdb-to-001-jumin.rejects.csv", "report.json"):
        (out / f".{name}.{os.getpid()}.part").write_text("half-written", encoding="utf-8")
    run_cli("validate", str(b.MAPPING_XLSX), str(b.EXTRACT_CSV), "--out", str(out), "--no-store")
    assert sorted(os.listdir(out)) == ["juki-rdb-to-001-jumin.csv", "juki-rdb-to-001-jumin.rejects.csv",
                                       "report.html", "report.json", "report.xlsx"]


def test_an_interrupted_run_leaves_no_output(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from migrator.validation.engine import BatchEngine

    real = BatchEngine.batch
    seen = {"n": 0}

    def batch(self: BatchEngine, legacy: pl.DataFrame) -> Any:
        seen["n"] += 1
        if seen["n"] == 2:
            raise KeyboardInterrupt
        return real(self, legacy)

    monkeypatch.setattr(BatchEngine, "batch", batch)
    out = workdir / "out"
    res = run_cli("--lang", "ja", "validate", str(b.MAPPING_XLSX), str(b.EXTRACT_CSV), "--out", str(out),
                  "--no-store", "--batch-rows", "1000", expect=2)
    assert "中断しました" in res.stderr and "Traceback" not in res.stderr
    assert sorted(os.listdir(out)) == []


# Slows every batch down so that a run is surely going when a test interrupts it: run at start-up by every
# process of a test's batch (the parent and its spawned workers), and before the CLI by a single run.
_SLOW_WORKERS = """
import time
from migrator.validation.engine import BatchEngine
_real = BatchEngine.batch
def _slow(self, legacy):
    time.sleep(0.3)
    return _real(self, legacy)
BatchEngine.batch = _slow
"""
_SLOW_RUN = _SLOW_WORKERS + """
from migrator.cli.main import main
main()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="signals to a child process are POSIX")
@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_ctrl_c_ends_the_run_promptly_without_a_traceback_or_an_output(tmp_path: Path, sig: str) -> None:
    out = tmp_path / "out"
    env = {**os.environ, "MIGRATOR_LANG": "en", "PYTHONPATH": str(REPO)}
    env.pop("MIGRATOR_DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_RUN, "validate", str(b.MAPPING_XLSX), str(b.EXTRACT_CSV),
                             "--out", str(out), "--no-store", "--batch-rows", "1000"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while not (out.is_dir() and os.listdir(out)) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before it could be interrupted"
        proc.send_signal(getattr(signal, sig))  # Ctrl-C, or a CI job's timeout
        started = time.monotonic()
        _stdout, stderr = proc.communicate(timeout=10)
        took = time.monotonic() - started
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 2
    assert took < 2, f"took {took:.1f} s to stop"
    text = stderr.decode("utf-8")
    assert "Interrupted" in text and "Traceback" not in text, text
    assert os.listdir(out) == []


def _copy_of_many_rows(folder: Path, copies: int = 20) -> Path:
    lines = b.EXTRACT_CSV.read_bytes().splitlines(keepends=True)
    path = folder / "kojin.csv"
    path.write_bytes(lines[0] + b"".join(lines[1:]) * copies)
    return path


@pytest.mark.parametrize("change", ["truncated", "emptied", "appended", "removed"])
def test_an_extract_changed_while_read_is_an_error_not_a_hang(tmp_path: Path, change: str) -> None:
    path = _copy_of_many_rows(tmp_path)
    reader = ExtractReader(path, options=ReadOptions(batch_rows=1000, block_bytes=64 << 10))
    batches = reader.batches()
    next(batches)
    if change == "truncated":
        os.truncate(path, path.stat().st_size // 3)
    elif change == "emptied":
        os.truncate(path, 0)
    elif change == "appended":
        with path.open("ab") as fh:
            fh.write(b"".join(b.EXTRACT_CSV.read_bytes().splitlines(keepends=True)[1:50]))
    else:
        path.unlink()
    with pytest.raises(InputError) as caught:
        for _ in batches:
            pass
    assert caught.value.code == "CORE124"
    assert str(path) in caught.value.message("en")
    assert "読み取り中にファイルが変更されました" in caught.value.message("ja")


def test_a_run_on_an_extract_truncated_while_read_fails_and_keeps_no_output(workdir: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from migrator.validation.engine import BatchEngine

    path = _copy_of_many_rows(workdir)
    real = BatchEngine.batch

    def batch(self: BatchEngine, legacy: pl.DataFrame) -> Any:
        if path.stat().st_size > 1000:
            os.truncate(path, 1000)
        return real(self, legacy)

    monkeypatch.setattr(BatchEngine, "batch", batch)
    out = workdir / "out"
    refused("--lang", "ja", "validate", str(b.MAPPING_XLSX), str(path), "--out", str(out), "--no-store",
            "--batch-rows", "1000", code="CORE124", places=(str(path), "読み取り中にファイルが変更されました"))
    assert sorted(os.listdir(out)) == []


def test_a_csv_line_without_end_is_read_past_not_held(tmp_path: Path) -> None:
    lines = b.EXTRACT_CSV.read_bytes().splitlines(keepends=True)
    path = tmp_path / "endless.csv"
    path.write_bytes(lines[0] + b"A" * (300 << 10) + b"\n" + b"".join(lines[1:20]))
    reader = ExtractReader(path, options=ReadOptions(block_bytes=16 << 10))
    from migrator.limits import Limits, using

    with using(Limits(csv_field_bytes=8 << 10)):  # lines over 128 KiB are refused
        rows = sum(batch.height for batch in reader.batches())
    assert rows == 19
    found = [f for f in reader.findings if f.code == "DAT012"]
    assert len(found) == 1 and found[0].location.line == 2
    assert "a line over 131,072 bytes" in found[0].message("en")


def test_a_fixed_width_line_without_end_is_counted_not_held(tmp_path: Path) -> None:
    from migrator.schema import SchemaRegistry

    table = SchemaRegistry.load().get("legacy-juki-mainframe").tables[0]
    data = MAINFRAME_DAT.read_bytes().splitlines(keepends=True)
    path = tmp_path / "endless.dat"
    path.write_bytes(data[0] + b"X" * (100 << 10) + b"\r\n" + b"".join(data[1:5]))
    reader = ExtractReader(path, table, ReadOptions(batch_rows=2))  # a block of two records: the line is 50 of them
    rows = sum(batch.height for batch in reader.batches())
    assert rows == 5
    wrong = [f for f in reader.findings if f.code == "DAT010"]
    assert len(wrong) == 1 and wrong[0].location.line == 2 and f"{100 << 10} bytes long" in wrong[0].message("en")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_an_unreadable_extract_is_named_in_the_chosen_language(workdir: Path, monkeypatch: pytest.MonkeyPatch,
                                                               lang: str) -> None:
    extract = b.copy(b.EXTRACT_CSV, workdir, "secret.csv")
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, *a, **k: False if Path(p).name == "secret.csv"
                        else real(p, mode, *a, **k))
    res = refused("--lang", lang, "validate", str(b.MAPPING_XLSX), str(extract), "--no-store", code="CORE104",
                  places=(str(extract),))
    assert ("permission denied" if lang == "en" else "読み取り権限がありません") in res.stderr


def test_click_path_checks_name_the_path_in_japanese(workdir: Path) -> None:
    res = run_cli("--lang", "ja", "batch", "nosuch.csv", expect=2)
    assert "nosuch.csv: 見つかりません" in res.stderr
    res = run_cli("--lang", "ja", "batch", str(workdir), expect=2)
    assert f"{workdir}: フォルダです" in res.stderr




def _batch_in_background(tmp_path: Path) -> tuple[subprocess.Popen[bytes], Path]:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(_SLOW_WORKERS, encoding="utf-8")
    manifest = tmp_path / "nightly.csv"
    manifest.write_text("job,municipality,mapping,extract\n"
                        f"a,132012,{b.MAPPING_XLSX},{b.EXTRACT_CSV}\n"
                        f"b,131016,{MAINFRAME_XLSX},{MAINFRAME_DAT}\n", encoding="utf-8")
    out = tmp_path / "out"
    env = {**os.environ, "MIGRATOR_LANG": "en", "PYTHONPATH": os.pathsep.join([str(hooks), str(REPO)])}
    env.pop("MIGRATOR_DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "migrator", "batch", str(manifest), "--out", str(out),
                             "--batch-rows", "1000"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None and len(list(out.glob("*/.*.part"))) < 4:
        time.sleep(0.05)
    assert proc.poll() is None, "the batch ended before it could be interrupted"
    return proc, out


def _no_partial_job(out: Path) -> None:
    """Each job folder holds nothing, or a finished job's outputs with its reports; no half-written file."""
    for folder in out.iterdir():
        names = {p.name for p in folder.iterdir()}
        assert not names or {"report.json", "report.html", "report.xlsx"} <= names, names
        assert not any(name.endswith(".part") for name in names), names
    assert not any(p.is_file() for p in out.glob("rollup.*"))


def _ended(proc: subprocess.Popen[bytes]) -> tuple[float, str]:
    started = time.monotonic()
    try:
        _stdout, stderr = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    return time.monotonic() - started, stderr.decode("utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="process groups are POSIX")
def test_ctrl_c_stops_a_batch_and_its_workers_without_tracebacks(tmp_path: Path) -> None:
    proc, out = _batch_in_background(tmp_path)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: to the parent and every worker
    took, stderr = _ended(proc)
    assert proc.returncode == 2
    assert took < 2, f"took {took:.1f} s to stop"
    assert "Interrupted" in stderr and "Traceback" not in stderr, stderr
    _no_partial_job(out)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_killed_batch_worker_is_a_clear_error(tmp_path: Path) -> None:
    proc, out = _batch_in_background(tmp_path)
    worker = int(next(out.glob("a/.*.part")).name.rsplit(".", 2)[-2])
    os.kill(worker, signal.SIGKILL)  # as the system does when memory runs out
    _took, stderr = _ended(proc)
    assert proc.returncode == 2
    assert "A worker process of the batch ended abruptly" in stderr and "Traceback" not in stderr, stderr
    assert list((out / "a").iterdir()) == []  # the killed worker's half-written files are removed
    _no_partial_job(out)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_read_only_file_system_under_out_is_named_as_such(workdir: Path, monkeypatch: pytest.MonkeyPatch,
                                                            lang: str) -> None:
    from migrator import limits

    monkeypatch.setattr(limits, "_read_only_fs", lambda path: True)
    out = workdir / "out"
    res = refused("--lang", lang, "validate", str(b.MAPPING_XLSX), str(b.EXTRACT_CSV), "--out", str(out),
                  "--no-store", code="CORE120", places=(str(out),))
    assert ("read-only file system" if lang == "en" else "読み取り専用のファイルシステム") in res.stderr
    assert not out.exists()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_read_only_sqlite_store_stops_the_run_before_it_starts(workdir: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 lang: str) -> None:
    db = workdir / "shared.db"
    run_cli("--db", f"sqlite:///{db}", "db", "upgrade")
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, *a, **k: False if Path(p) == db and mode & os.W_OK
                        else real(p, mode, *a, **k))
    out = workdir / "out"
    res = run_cli("--lang", lang, "--db", f"sqlite:///{db}", "validate", str(b.MAPPING_XLSX), str(b.EXTRACT_CSV),
                  "--out", str(out), expect=2)
    assert str(db) in res.stderr and "--no-store" in res.stderr and "Traceback" not in res.stderr
    assert ("the file is read-only for you" if lang == "en" else "ファイルに書き込み権限がありません") in res.stderr
    assert not out.exists()


def test_a_database_server_that_never_answers_does_not_hang_the_run(workdir: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import socket
    import threading

    from migrator.store import db

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)  # accepts the connection (the kernel does), never says a word
    port = server.getsockname()[1]
    monkeypatch.setattr(db, "CONNECT_TIMEOUT", 1)
    try:
        started = time.monotonic()
        res = {}
        worker = threading.Thread(target=lambda: res.update(r=run_cli(
            "--lang", "ja", "--db", f"postgresql://u@127.0.0.1:{port}/db", "validate", str(b.MAPPING_XLSX),
            str(b.EXTRACT_CSV), "--out", str(workdir / "out"), expect=None)), daemon=True)
        worker.start()
        worker.join(20)
        assert not worker.is_alive(), "the run waited for the silent server"
    finally:
        server.close()
    assert time.monotonic() - started < 10
    result = res["r"]
    assert result.exit_code == 2
    assert f"データベース postgresql+psycopg://u@127.0.0.1:{port}/db に接続できません" in result.stderr
    assert not (workdir / "out").exists()


@pytest.mark.parametrize("encoding", ["cp1252", "cp932"])
def test_output_redirected_in_a_narrow_encoding_is_written_not_an_internal_error(tmp_path: Path,
                                                                                 encoding: str) -> None:
    # Redirected output on Windows is in the ANSI code page: CP1252 holds no Japanese, CP932 not 𠮷.
    extract = b.copy(b.EXTRACT_CSV, tmp_path, "𠮷田.csv")
    env = {**os.environ, "MIGRATOR_LANG": "ja", "PYTHONPATH": str(REPO), "PYTHONIOENCODING": encoding}
    env.pop("MIGRATOR_DATABASE_URL", None)
    proc = subprocess.run([sys.executable, "-m", "migrator", "validate", str(b.MAPPING_XLSX), str(extract),
                           "--no-store", "--quiet"], cwd=tmp_path, env=env, capture_output=True, timeout=60)
    stdout = proc.stdout.decode("utf-8" if encoding == "cp1252" else encoding)
    assert proc.returncode == 0, proc.stderr.decode(encoding, "replace")
    assert "集計: エラー 0" in stdout
    assert "田.csv" in stdout


def test_a_full_disk_while_writing_parquet_is_a_located_error(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(self: pl.LazyFrame, path: Any, *args: Any, **kwargs: Any) -> None:
        Path(path).write_bytes(b"PAR1")  # begun, then the disk is full (polars says so with a ComputeError)
        raise pl.exceptions.ComputeError("parquet: File out of specification: underlying IO error: "
                                         "No space left on device (os error 28)")

    monkeypatch.setattr(pl.LazyFrame, "sink_parquet", full)
    out = workdir / "out"
    res = refused("--lang", "ja", "validate", str(b.MAPPING_XLSX), str(b.EXTRACT_CSV), "--out", str(out), "--parquet",
                  "--no-store", code="CORE120", places=(str(out / "juki-rdb-to-001-jumin.parquet"), "ディスクの空きがありません"))
    assert "内部エラー" not in res.stderr
    assert sorted(os.listdir(out)) == []


def test_an_interrupt_during_the_clean_up_still_leaves_no_output(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # Ctrl-C that lands while the run stops its reader (after the last batch, before the files are named or
    # removed) skipped the rest of the clean-up: the hidden .part files stayed in --out.
    from migrator.validation import run as run_module

    real = run_module._Prefetch.close
    calls: list[int] = []

    def close(self: Any) -> None:  # the reader closes itself after its last batch, then the run closes it
        real(self)
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(run_module._Prefetch, "close", close)
    out = _interrupted_run(tmp_path)
    assert len(calls) == 2 and sorted(os.listdir(out)) == []


def test_an_interrupt_as_the_writer_starts_still_leaves_no_output(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # Ctrl-C that lands once the hidden .part files exist but before the first batch (while the output writer
    # thread starts) was outside the run's clean-up: both .part files stayed in --out.
    from migrator.validation import run as run_module

    def interrupted(self: Any, depth: int = 2) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(run_module._Sink, "__init__", interrupted)
    assert sorted(os.listdir(_interrupted_run(tmp_path))) == []


def _interrupted_run(tmp_path: Path) -> Path:
    """Run the sample job into ``tmp_path/out`` under a patch that interrupts it; return the --out folder."""
    from migrator.validation.run import RunOptions, load_job, run_jobs

    job, _ = load_job(b.MAPPING_XLSX, b.EXTRACT_CSV)
    assert job is not None
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_jobs([job], RunOptions(out_dir=out, batch_rows=1000))
    return out
