"""``migrator inventory``: Import and check vendor inventories (システム一覧)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

import click

from migrator.cli.common import (
    InputFile,
    OutputPath,
    app,
    emit_report,
    emit_table,
    existing_files,
    lang_option,
    output_options,
)
from migrator.i18n import t

if TYPE_CHECKING:
    from migrator.store import Store

_WORKBOOKS = click.argument("workbooks", nargs=-1, required=True,
                            type=InputFile("workbook"))
_SYNONYMS = click.option("--synonyms", type=InputFile(), default=None,
                         help="YAML file of extra sheet names and header labels (see docs/inventory.md).")


@click.group()
def inventory() -> None:
    """Import and check vendor inventories (システム一覧).

    \b
    Example:
      migrator inventory import sample_data/inventory/*.xlsx
    """


@inventory.command("import")
@_WORKBOOKS
@click.option("--partial", is_flag=True, help="Save the rows that could be read even when some rows have errors.")
@click.option("--dry-run", is_flag=True, help="Read and compare with the store, but change nothing in it (an outdated store is not upgraded).")
@_SYNONYMS
@output_options
def import_(workbooks: tuple[Path, ...], partial: bool, dry_run: bool, synonyms: Path | None, fmt: str) -> None:
    """Import inventory workbooks into the store, in one transaction.

    Sheets: システム一覧 (required), 連携一覧 and ベンダー (optional). With any error nothing is written
    unless --partial is given. Importing the same workbook again changes nothing; a newer workbook updates
    the changed fields and each change is reported.

    \b
    Example:
      migrator inventory import sample_data/inventory/vendor_a_hachioji.xlsx
    """
    from migrator.inventory.synonyms import load_synonyms
    from migrator.services.inventory import import_inventory
    from migrator.store import preview_store

    table = load_synonyms(synonyms)
    with contextlib.ExitStack() as stack:
        def opened() -> Store:
            # a dry run leaves the user's database as it was: see preview_store for an outdated or missing one
            if dry_run:
                return stack.enter_context(preview_store(app().db_url))
            store = app().store()
            stack.callback(store.close)
            return store

        report = import_inventory(list(workbooks), store=opened, partial=partial, synonyms=table, dry_run=dry_run)
    lang = app().lang
    # the result ends the output: per municipality what was added and changed, then the rows not read
    lines = [t("import_municipality", lang, code=code, **row)
             for code, row in sorted(report.summary.get("per_municipality", {}).items())]
    lines.append(t("import_rejected", lang, rejected=report.summary.get("rows_rejected", 0),
                   read=report.summary.get("rows_read", 0)))
    emit_report(report, fmt, result=lines)


@inventory.command()
@click.argument("workbooks", nargs=-1, type=InputFile("workbook"))
@click.option("--municipality", "-m", metavar="CODE", default=None, help="Only this 団体コード (store only).")
@_SYNONYMS
@output_options
def check(workbooks: tuple[Path, ...], municipality: str | None, synonyms: Path | None, fmt: str) -> None:
    """Check the inventory in the store, or the given workbooks without importing them.

    Reports areas of the 20 with no system, interface ends not in the inventory, contracts that end before
    the planned migration, planned dates after the deadline and vendors over capacity in a month.

    \b
    Example:
      migrator inventory check sample_data/inventory/vendor_a_hachioji.xlsx
    """
    from migrator.inventory.synonyms import load_synonyms
    from migrator.services.inventory import check_store, check_workbooks

    if workbooks:
        report = check_workbooks(list(workbooks), synonyms=load_synonyms(synonyms))
    else:
        store = app().store()
        try:
            report = check_store(store, municipality=municipality)
        finally:
            store.close()
    emit_report(report, fmt)


@inventory.command("list")
@click.option("--municipality", "-m", metavar="CODE", default=None, help="Only this 団体コード.")
@click.option("--vendor", "-v", metavar="NAME", default=None,
              help="Only systems whose current or target vendor is NAME (株式会社/(株) and width ignored).")
@output_options
def list_(municipality: str | None, vendor: str | None, fmt: str) -> None:
    """List the systems in the store.

    \b
    Example:
      migrator inventory list --municipality 132012
    """
    from migrator.services.inventory import load, system_header, system_records, system_rows

    store = app().store(read_only=True)
    try:
        inv = load(store, municipality=municipality, vendor=vendor)
    finally:
        store.close()
    rows = [[v.isoformat() if hasattr(v, "isoformat") else v for v in row] for row in system_rows(inv, app().lang)]
    # the JSON keys are the same identifiers in every language, as in the product's other JSON outputs
    data = {
        "municipalities": [{"code": m.code, "name": m.name} for m in inv.municipalities],
        "systems": system_records(inv),
        "interfaces": [{"municipality": i.municipality_code, "source": i.source, "target": i.target,
                        "method": i.method, "frequency": i.frequency} for i in inv.interfaces],
        "vendors": [{"name": v.name, "capacity": v.capacity} for v in inv.vendors],
    }
    emit_table(system_header(app().lang), [["" if v is None else v for v in r] for r in rows], fmt, data=data)


@inventory.command()
@click.option("--output", "-o", required=True, type=OutputPath(),
              help="The .xlsx file to write.")
@click.option("--municipality", "-m", metavar="CODE", default=None, help="Only this 団体コード.")
@lang_option
def export(output: Path, municipality: str | None) -> None:
    """Export the normalized inventory to Excel (システム一覧, 連携一覧, ベンダー; systems, interfaces, vendors
    with --lang en); it imports back unchanged.

    \b
    Example:
      migrator inventory export -o inventory.xlsx
    """
    from migrator.services.inventory import export_inventory, load

    store = app().store(read_only=True)
    try:
        inv = load(store, municipality=municipality)
    finally:
        store.close()
    key = "replaced" if existing_files(output) else "written"
    click.echo(t(key, app().lang, path=export_inventory(inv, output, app().lang)))
