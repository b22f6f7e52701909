"""``migrator schema``: Read, check, import and compare schemas (標準 and 現行 layouts)."""

from __future__ import annotations

import click


@click.group()
def schema() -> None:
    """Read, check, import and compare schemas (標準 and 現行 layouts).

    \b
    Example:
      migrator schema --help
    """
