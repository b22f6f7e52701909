"""The hostile-input corpus: every refusal is a located input error with its code, never an internal error."""

from __future__ import annotations

import os
import signal
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


# Peak memory is read by a small launcher from its child's rusage: a child forked straight from the test
# process would inherit the test process's own high-water mark (Linux keeps it across fork and exec).
_LAUNCHER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run([sys.executable, '-m', 'migrator', *sys.argv[1:]]).returncode\n"
    "sys.stderr.write('\\nPEAK_KIB=%d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(code)\n"
)


def measured(*args: str, cwd: Path, timeout: float = 300) -> Measured:
    """Run ``python -m migrator ARGS`` in a subprocess; return its exit code, output and peak resident memory."""
    env = {**os.environ, "MIGRATOR_LANG": "en", "PYTHONPATH": str(REPO)}
    env.pop("MIGRATOR_DATABASE_URL", None)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-c", _LAUNCHER, *args], cwd=cwd, env=env, stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        # A hang fails the test instead of the suite: the whole session (launcher and migrator) is killed.
        timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
        timer.start()
        try:
            code = proc.wait()
        finally:
            timer.cancel()
        out.seek(0)
        err.seek(0)
        stderr, _, peak = err.read().decode("utf-8", "replace").rpartition("\nPEAK_KIB=")
        assert peak.strip().isdigit(), f"killed after {timeout} s (a hang?)\n{stderr}"
        return Measured(code, out.read().decode("utf-8", "replace"), stderr, int(peak) / 1024)


@pytest.fixture
def imported(workdir: Path) -> Path:
    """A working folder whose store holds the sample inventories."""
    run_cli("inventory", "import", "--partial", *map(str, INVENTORIES), expect=None)
    return workdir
