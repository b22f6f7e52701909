"""The data migrator carries inside its package: schemas, sample mappings and sample data.

Everything the CLI needs at run time is package data, found through :mod:`importlib.resources`, so a wheel
installed anywhere works from any folder. :func:`copy_samples` writes the bundled samples out for a user who
wants to follow the README's tour or edit them.
"""

from __future__ import annotations

import atexit
import os
import shutil
from contextlib import ExitStack
from functools import cache, partial
from importlib.resources import as_file, files
from pathlib import Path

from migrator.limits import replace_output

SCHEMAS_ENV = "MIGRATOR_SCHEMAS"

# The folders copy_samples writes, as they sit in the package's data folder.
SAMPLE_FOLDERS = ("schemas", "mappings", "sample_data")


@cache
def data_dir() -> Path:
    """The package's data folder as a real folder (extracted once per process if the package is zipped)."""
    stack = ExitStack()
    atexit.register(stack.close)
    return Path(stack.enter_context(as_file(files("migrator") / "data")))


def bundled(*parts: str) -> Path:
    """A path inside the package's data folder, e.g. ``bundled("mappings", "juki_rdb_jumin.xlsx")``."""
    return data_dir().joinpath(*parts)


def schema_dirs() -> tuple[Path, ...]:
    """Where schemas are looked up: the folders of ``MIGRATOR_SCHEMAS`` (``os.pathsep``-separated), then the
    bundled standard and legacy schemas. A user's schema with the id of a bundled one takes its place."""
    env = os.environ.get(SCHEMAS_ENV, "")
    user = tuple(Path(p) for p in env.split(os.pathsep) if p.strip())
    return (*user, bundled("schemas"))


def copy_samples(target: Path, *, force: bool = False) -> list[Path]:
    """Copy the bundled ``schemas/``, ``mappings/`` and ``sample_data/`` folders into ``target``.

    Returns the files written. An existing file is left alone unless ``force``; the caller learns which were
    skipped by comparing with :func:`sample_files`.
    """
    written: list[Path] = []
    for rel in sample_files():
        dest = target / rel
        if (dest.exists() or dest.is_symlink()) and not force:
            continue
        # Replaced, never written through: a symbolic link at dest becomes the copy, its target stays as it was.
        replace_output(dest, partial(shutil.copyfile, bundled(*rel.parts)))
        written.append(dest)
    return written


def sample_files() -> list[Path]:
    """The bundled sample files, relative to the data folder (``schemas/standard/001_juki.yaml``, …)."""
    root = data_dir()
    return sorted(p.relative_to(root) for folder in SAMPLE_FOLDERS for p in (root / folder).rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)
