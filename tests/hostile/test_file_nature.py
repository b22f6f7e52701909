"""Every command that reads a user's file refuses what is not a regular file, by its real nature.

A FIFO would block forever, /dev/zero never ends; a folder, a symlink loop or a link to nothing is
not "File not found" but what it is.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hostile.builders import (
    EXTRACT_CSV,
    INVENTORIES,
    MAPPING_XLSX,
    a_folder,
    copy,
    dangling_symlink,
    fifo,
    symlink_loop,
    text_file,
)
from tests.hostile.conftest import refused

ENTRY_POINTS: dict[str, list[str]] = {
    "schema check": ["schema", "check", "{f}"],
    "schema import": ["schema", "import", "{f}", "-o", "out.yaml"],
    "schema import --synonyms": ["schema", "import", str(MAPPING_XLSX), "--synonyms", "{f}", "-o", "out.yaml"],
    "mapping check": ["mapping", "check", "{f}"],
    "mapping export": ["mapping", "export", "{f}", "-o", "out.yaml"],
    "mapping run (mapping)": ["mapping", "run", "{f}", str(EXTRACT_CSV), "--no-store"],
    "mapping run (extract)": ["mapping", "run", str(MAPPING_XLSX), "{f}", "--no-store"],
    "inventory check": ["inventory", "check", "{f}"],
    "inventory import": ["inventory", "import", "{f}", "--dry-run"],
    "plan build --calendar": ["plan", "build", "--calendar", "{f}"],
    "plan build --template": ["plan", "build", "--template", "{f}"],
    "plan build --rules": ["plan", "build", "--rules", "{f}"],
    "plan build --edges": ["plan", "build", "--edges", "{f}"],
    "plan progress": ["plan", "progress", "{f}"],
    "risk list --rules": ["risk", "list", "--rules", "{f}"],
}

NATURES: dict[str, tuple[Callable[[Path], Path], str, str]] = {
    "fifo": (fifo, "CORE101", "named pipe"),
    "dev-zero": (lambda _folder: Path("/dev/zero"), "CORE101", "device"),
    "folder": (a_folder, "CORE101", "folder"),
    "symlink-loop": (symlink_loop, "CORE102", "loop"),
    "dangling-symlink": (dangling_symlink, "CORE103", "symbolic link"),
    "missing": (lambda folder: folder / "missing.xlsx", "CORE103", "not found"),
}


@pytest.mark.parametrize("nature", NATURES)
@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_not_a_regular_file_is_named_for_what_it_is(workdir: Path, entry: str, nature: str) -> None:
    make, code, words = NATURES[nature]
    if (entry, nature) == ("schema check", "folder"):  # a folder of schema files is a valid argument
        code, words = "CORE116", "no schema file"
    path = make(workdir)
    args = [str(path) if a == "{f}" else a for a in ENTRY_POINTS[entry]]
    res = refused(*args, code=code, places=(str(path),))
    assert words in res.stderr.lower()


NAME = "evil\x1b[31mred\x1b[0m\nError: forged [CORE000]\u202eslx.xlsx"


def test_a_file_name_cannot_forge_a_line_colour_the_terminal_or_reorder_the_text(workdir: Path) -> None:
    # Names come from vendors' disks: a line break, ESC and a right-to-left override are shown, never sent raw.
    shown = "evil␛[31mred␛[0m␊Error: forged [CORE000]<U+202E>slx.xlsx"
    broken = text_file(workdir, NAME + ".bad.xlsx", "a,b\n")
    res = refused("inventory", "check", str(broken), code="CORE113", places=(shown,))
    assert res.stderr.count("\n") == 1 and "\x1b" not in res.stderr and "\u202e" not in res.stderr
    res = refused("inventory", "check", str(copy(INVENTORIES[0], workdir, NAME)), code="INV", exit=1,
                  places=(f"Inventory check: {workdir}/{shown}\n",))
    assert "\x1b" not in res.stdout and "\u202e" not in res.stdout and "\nError: forged" not in res.stdout
