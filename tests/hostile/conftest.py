"""The hostile-input corpus: every refusal is a located input error with its code, never an internal error."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO, CliResult, run_cli
from tests.hostile.builders import INVENTORIES

MEMORY_BOUND_MB = 1024


def refused(*args: str, code: str, places: tuple[str, ...] = (), exit: int | None = 2,
            env: dict[str, str] | None = None) -> CliResult:
    """Run ``migrator ARGS``; assert the exit code, the code, each place named, and no internal error."""
    res = run_cli(*args, expect=exit, env=env)
    text = res.stderr + res.stdout
    assert "Internal error" not in text and "Traceback" not in text, text
    assert code in text, f"{code} not in:\n{text}"
    for place in places:
        assert place in text, f"{place!r} not named in:\n{text}"
    return res


@dataclass
class Measured:
    exit_code: int
    stdout: str
    stderr: str
    peak_mb: float


def measured(*args: str, cwd: Path, timeout: float = 300) -> Measured:
    """Run ``python -m migrator ARGS`` in a subprocess; return its exit code, output and peak resident memory."""
    env = {**os.environ, "MIGRATOR_LANG": "en", "PYTHONPATH": str(REPO)}
    env.pop("MIGRATOR_DATABASE_URL", None)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-m", "migrator", *args], cwd=cwd, env=env, stdout=out,
                                stderr=err, stdin=subprocess.DEVNULL)
        timer = threading.Timer(timeout, proc.kill)  # a hang fails the test instead of the suite
        timer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Measured(proc.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                        usage.ru_maxrss / 1024)  # Linux reports KiB


@pytest.fixture
def imported(workdir: Path) -> Path:
    """A working folder whose store holds the sample inventories."""
    run_cli("inventory", "import", *map(str, INVENTORIES))
    return workdir
