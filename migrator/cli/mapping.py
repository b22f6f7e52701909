"""``migrator mapping``: Check, convert and run mapping workbooks (項目対応表)."""

from __future__ import annotations

import click


@click.group()
def mapping() -> None:
    """Check, convert and run mapping workbooks (項目対応表).

    \b
    Example:
      migrator mapping --help
    """
