"""``migrator risk``: the 懸念点一覧 per system, from the stored inventory, validation runs and plan."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from migrator.cli.common import InputFile, OutputPath, app, lang_option
from migrator.errors import InputError
from migrator.limits import write_output_text
from migrator.report.json_out import dumps
from migrator.report.text import table

FORMATS = ("text", "json", "xlsx", "html", "csv")
_MUNICIPALITY = click.option("--municipality", "-m", metavar="CODE", default=None, help="Only this 団体コード.")
_SCENARIO = click.option("--scenario", default="default", show_default=True,
                         help="The stored plan the dates, chains and critical marks come from.")
_RULES = click.option("--rules", type=InputFile(), default=None,
                      help="A rules YAML overriding the shipped rules (docs/risks.md).")
_AS_OF = click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None,
                      help="The day the register is drawn up (default: today).")


@click.group()
def risk() -> None:
    """The risk register (懸念点一覧): one row per concern per system.

    The concerns come from the stored inventory, the validation runs linked to the systems they migrate
    (`migrator validate --municipality CODE`) and the stored plan; the rules are in docs/risks.md.

    \b
    Example:
      migrator risk list --municipality 132012 --format xlsx --out 懸念点一覧.xlsx
    """


def _write(register: object, fmt: str, out: Path | None) -> None:
    from migrator.risk import Register
    from migrator.risk.export import (
        concern_header,
        concern_rows,
        severity_counts,
        write_csv,
        write_html,
        write_xlsx,
    )

    assert isinstance(register, Register)
    lang = app().lang
    if fmt == "json":
        text = dumps(register.to_dict(lang))
        if out is None:
            click.echo(text, nl=False)
            return
        write_output_text(out, text)
    elif fmt in ("xlsx", "html", "csv"):
        if out is None:
            raise InputError(f"--format {fmt} writes a file: give --out.", f"--format {fmt} には --out が必要です。")
        {"xlsx": write_xlsx, "html": write_html, "csv": write_csv}[fmt](register, out, lang)
    else:
        rows = [[*r[:5], r[6], r[8], r[9]] for r in concern_rows(register, lang)]
        header = concern_header(lang)
        click.echo(table([*header[:5], header[6], header[8], header[9]], rows))
        click.echo(severity_counts(register, lang))
        if out is None:
            return
        write_output_text(out, table(header, concern_rows(register, lang), width=240))
    click.echo(("出力: " if lang == "ja" else "Written: ") + str(out), err=True)


def _register(municipality: str | None, scenario: str, rules: Path | None, as_of: dt.datetime | None,
              snapshot: bool) -> object:
    from migrator.services.risk import build_register

    store = app().store(read_only=not snapshot)  # a snapshot is written to the store
    try:
        return build_register(store, municipality=municipality, scenario=scenario, rules=rules,
                              as_of=as_of.date() if as_of else None, snapshot=snapshot)
    finally:
        store.close()


@risk.command("list")
@_MUNICIPALITY
@_SCENARIO
@_RULES
@_AS_OF
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--out", type=OutputPath(), default=None,
              help="File to write (required for xlsx, html and csv).")
@click.option("--no-store", is_flag=True, help="Do not keep this register as a snapshot for `risk diff`.")
@lang_option
def list_cmd(municipality: str | None, scenario: str, rules: Path | None, as_of: dt.datetime | None, fmt: str,
             out: Path | None, no_store: bool) -> None:
    """List the concerns of every system (of one municipality) and keep the list as a snapshot.

    \b
    Example:
      migrator risk list --municipality 132012
    """
    _write(_register(municipality, scenario, rules, as_of, not no_store), fmt, out)


@risk.command("export")
@click.argument("out", type=OutputPath())
@_MUNICIPALITY
@_SCENARIO
@_RULES
@_AS_OF
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Default: from the file's suffix (.xlsx, .html, .json, .csv, else text).")
@lang_option
def export_cmd(out: Path, municipality: str | None, scenario: str, rules: Path | None, as_of: dt.datetime | None,
               fmt: str | None) -> None:
    """Write the register to OUT (Excel, HTML, JSON, CSV or text) without keeping a snapshot.

    \b
    Example:
      migrator risk export 懸念点一覧.xlsx --municipality 132012
    """
    fmt = fmt or {".xlsx": "xlsx", ".html": "html", ".json": "json", ".csv": "csv"}.get(out.suffix.lower(), "text")
    _write(_register(municipality, scenario, rules, as_of, False), fmt, out)


@risk.command("diff")
@_MUNICIPALITY
@click.option("--before", type=int, default=None, help="Snapshot id to compare from (default: the one before).")
@click.option("--after", type=int, default=None, help="Snapshot id to compare to (default: the last).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@lang_option
def diff_cmd(municipality: str | None, before: int | None, after: int | None, fmt: str) -> None:
    """Show what was resolved, what is new and what got worse between two stored registers.

    \b
    Example:
      migrator risk diff --municipality 132012
    """
    from migrator.risk.export import diff_lines
    from migrator.services.risk import diff_snapshots

    lang = app().lang
    store = app().store(read_only=True)
    try:
        a, b, change = diff_snapshots(store, municipality=municipality, before=before, after=after)
    finally:
        store.close()
    if fmt == "json":
        click.echo(dumps({"before": a, "after": b, **change.to_dict(lang)}), nl=False)
    else:
        click.echo(f"#{a} → #{b}")
        click.echo("\n".join(diff_lines(change, lang)))
