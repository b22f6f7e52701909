"""Generate the CLI reference page (docs/cli.md) from the commands' own help texts."""

from __future__ import annotations

import sys

import click

from migrator.cli.main import cli


def _walk(cmd: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    found = [(path, cmd)]
    if isinstance(cmd, click.Group):
        for name in sorted(cmd.commands):
            found += _walk(cmd.commands[name], [*path, name])
    return found


def markdown() -> str:
    """Every command's ``--help`` output as one Markdown page."""
    lines = [
        "# CLI reference / コマンド一覧",
        "",
        "Generated from the commands' help by `python -m migrator.cli.reference`; a test keeps it current.",
    ]
    for path, cmd in _walk(cli, ["migrator"]):
        ctx = click.Context(cmd, info_name=" ".join(path), terminal_width=100, max_content_width=100,
                            help_option_names=["-h", "--help"])
        lines += ["", f"## {' '.join(path)}", "", "```", cmd.get_help(ctx).rstrip(), "```"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover - exercised through the docs test
    sys.stdout.write(markdown())
