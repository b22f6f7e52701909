"""The README's CLI tour runs as written, from a fresh folder, with the venv's migrator on PATH."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

EXIT = re.compile(r"#.*\bexit (\d)\b")


def _tour() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## A tour of the CLI"):]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the tour has no sh block"
    return block.group(1).splitlines()


def _script(lines: list[str]) -> str:
    """The tour as a bash script that stops at the first command whose exit code is not the documented one."""
    out = ["set -u"]
    for n, line in enumerate(lines, start=1):
        command = line.strip()
        if not command or command.startswith("#") or command.startswith("source .venv/bin/activate"):
            continue  # the test puts the running venv on PATH instead of activating .venv
        want = int(m.group(1)) if (m := EXIT.search(command)) else 0
        out.append(f"{command}\nstatus=$?\nif [ $status -ne {want} ]; then "
                   f"echo 'README tour line {n} exited '$status', expected {want}: {command.split('#')[0].strip()}' >&2; "
                   "exit 1; fi")
    return "\n".join(out) + "\n"


def test_the_tour_has_the_commands_it_promises() -> None:
    commands = [c.strip() for c in _tour() if c.strip().startswith("migrator ")]
    groups = {c.split()[1] for c in commands}
    assert {"samples", "db", "schema", "mapping", "validate", "inventory", "plan"} <= groups
    assert len(commands) >= 15


@pytest.mark.slow
def test_the_readme_tour_runs_as_written(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIGRATOR_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["MIGRATOR_LANG"] = "en"
    done = subprocess.run(["bash", "-c", _script(_tour())], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    tour = tmp_path / "tour"
    for produced in ("legacy.yaml", "mapping.xlsx", "mapping.yaml", "run/report.json", "clean/report.html",
                     "plan.html", ".migrator/migrator.db"):
        assert (tour / produced).is_file(), produced


def test_every_relative_link_of_the_docs_exists() -> None:
    missing = []
    for page in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), *sorted(REPO.glob("*/README.md")),
                 *sorted((REPO / "migrator" / "data").rglob("README.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (page.parent / target).exists():
                missing.append(f"{page.relative_to(REPO)} → {target}")
    assert missing == []
