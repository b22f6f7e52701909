"""``migrator plan``: Build and export migration plans (移行計画)."""

from __future__ import annotations

import click


@click.group()
def plan() -> None:
    """Build and export migration plans (移行計画).

    \b
    Example:
      migrator plan --help
    """
