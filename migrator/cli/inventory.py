"""``migrator inventory``: Import and check vendor inventories (システム一覧)."""

from __future__ import annotations

import click


@click.group()
def inventory() -> None:
    """Import and check vendor inventories (システム一覧).

    \b
    Example:
      migrator inventory --help
    """
