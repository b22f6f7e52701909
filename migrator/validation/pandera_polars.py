"""``pandera.polars``, imported as in an install without pandas (the one import of pandera in migrator).

pandera's package ``__init__`` imports pandas, its pandas API and, when pyspark is installed (the ``spark``
extra), ``pyspark.pandas``; with ``hypothesis`` installed its data strategies import that too. migrator uses
only pandera's polars API, which pandera supports without pandas (its "polars-only install"). Importing those
packages cost about half a second of every run's start, with the GIL held. So, unless one of them is already
imported in this process, ``pandera.polars`` is imported with them hidden (a ``ModuleNotFoundError``, as if
not installed); they stay importable afterwards (the finder is removed at once). If pandera refuses to import
that way, it is imported the ordinary way.

    from migrator.validation.pandera_polars import pa
"""

from __future__ import annotations

import importlib
import importlib.abc
import sys
from types import ModuleType
from typing import TYPE_CHECKING

_HIDDEN = ("pandas", "pyspark", "hypothesis")


class _Hide(importlib.abc.MetaPathFinder):
    """Makes ``_HIDDEN`` packages look not installed while pandera is imported."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name.partition(".")[0] in _HIDDEN:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


def _import() -> ModuleType:
    if "pandera" in sys.modules or any(name in sys.modules for name in _HIDDEN):
        return importlib.import_module("pandera.polars")
    hide = _Hide()
    sys.meta_path.insert(0, hide)
    try:
        return importlib.import_module("pandera.polars")
    except ImportError:  # a pandera that needs one of them after all: forget the partial import, import as usual
        for name in [n for n in sys.modules if n == "pandera" or n.startswith("pandera.")]:
            del sys.modules[name]
    finally:
        sys.meta_path.remove(hide)
    return importlib.import_module("pandera.polars")


if TYPE_CHECKING:
    import pandera.polars as pa
else:
    pa = _import()
