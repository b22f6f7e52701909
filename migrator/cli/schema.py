"""``migrator schema``: Read, check, import and compare schemas (標準 and 現行 layouts)."""

from __future__ import annotations

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
    output_options,
)
from migrator.schema.model import Schema, Table

if TYPE_CHECKING:
    from migrator.schema import SchemaRegistry

_SCHEMAS = click.option("--schemas", "schema_dirs", type=click.Path(exists=True, file_okay=False, path_type=Path),
                        multiple=True,
                        help="A folder of your own schema files, searched before the bundled ones (repeatable; "
                             "default: the folders of MIGRATOR_SCHEMAS).")


def _registry(schema_dirs: tuple[Path, ...]) -> SchemaRegistry:
    from migrator.schema import SchemaRegistry, default_schema_dirs

    return SchemaRegistry.load(*schema_dirs, *default_schema_dirs()) if schema_dirs else SchemaRegistry.load()


@click.group()
def schema() -> None:
    """Read, check, import and compare schemas (標準 and 現行 layouts).

    \b
    Example:
      migrator schema check schemas/
    """


@schema.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@output_options
def check(paths: tuple[Path, ...], fmt: str) -> None:
    """Check schema files strictly: every problem is reported with its file and line.

    PATHS are schema files or folders (searched for *.yaml); default: the folders of MIGRATOR_SCHEMAS and
    the bundled schemas.

    \b
    Example:
      migrator schema check schemas/
    """
    from migrator.schema import check_paths, default_schema_dirs

    emit_report(check_paths(list(paths) or list(default_schema_dirs())), fmt)


@schema.command("list")
@_SCHEMAS
@output_options
def list_(schema_dirs: tuple[Path, ...], fmt: str) -> None:
    """List the valid schemas in the schemas folder.

    \b
    Example:
      migrator schema list
    """
    registry = _registry(schema_dirs)
    header = ["id", "kind", "area", "title", "version", "verified", "tables", "items", "path"]
    rows = [
        [s.id, s.kind, s.business_area or "-", s.title, s.version, str(s.provenance.verified).lower(),
         len(s.tables), sum(len(t.items) for t in s.tables), str(s.path)]
        for s in registry.schemas.values()
    ]
    emit_table(header, rows, fmt)
    if registry.findings and any(f.severity == "error" for f in registry.findings):
        click.echo("Some schema files have errors; run 'migrator schema check'." if app().lang == "en"
                   else "エラーのあるスキーマファイルがあります。'migrator schema check' で確認してください。", err=True)


@schema.command()
@click.argument("schema_ref", metavar="ID|FILE")
@click.option("--table", "-t", "table_name", default=None, help="Only this table (default: all tables).")
@_SCHEMAS
@output_options
def show(schema_ref: str, table_name: str | None, schema_dirs: tuple[Path, ...], fmt: str) -> None:
    """Show the items of a schema as a table: name, type, length, required, code table, checks.

    \b
    Example:
      migrator schema show std-001-juki --table 住民
    """
    from migrator.schema.show import show_rows, table_data

    registry = _registry(schema_dirs)
    found = registry.resolve(schema_ref)
    tables = [_table(found, table_name)] if table_name else list(found.tables)
    if fmt == "json":
        emit_table([], [], fmt, data={"schema": found.id, "title": found.title, "version": found.version,
                                      "tables": [table_data(t) for t in tables]})
        return
    for table in tables:
        key = ", ".join(table.key) or "-"
        click.echo(f"{found.id} / {table.name}  (key: {key}, items: {len(table.items)})")
        header, rows = show_rows(table)
        emit_table(header, rows, fmt)


def _table(found: Schema, name: str) -> Table:
    from migrator.errors import InputError

    try:
        return found.table(name)
    except KeyError:
        names = ", ".join(found.table_names)
        raise InputError(f"Schema {found.id} has no table {name!r} (tables: {names}).",
                         f"スキーマ {found.id} にテーブル {name!r} はありません(テーブル: {names})。") from None


@schema.command("import")
@click.argument("workbook", type=InputFile("workbook"))
@click.option("--sheet", default=None, help="Import only this sheet (default: every sheet with a header).")
@click.option("-o", "--output", type=OutputPath(), required=True,
              help="The schema YAML file to write.")
@click.option("--id", "schema_id", default=None, help="Schema id (default: from the file name).")
@click.option("--kind", type=click.Choice(["legacy", "standard", "layout"]), default="legacy", show_default=True)
@click.option("--title", default=None, help="Schema title (default: the file name).")
@click.option("--synonyms", type=InputFile(), default=None,
              help="YAML file of extra header labels (see docs/schema-format.md).")
@output_options
def import_(workbook: Path, sheet: str | None, output: Path, schema_id: str | None, kind: str, title: str | None,
            synonyms: Path | None, fmt: str) -> None:
    """Import a table-definition workbook (テーブル定義書 / 基本データリスト) as a schema file.

    The written file is checked like any schema file; cells that could not be read are reported with
    their sheet!cell.

    \b
    Example:
      migrator schema import schemas/examples/juki_rdb_table_definition.xlsx --sheet 個人 -o juki_rdb.yaml
    """
    from migrator.schema.excel_import import import_and_write

    before = existing_files(output)
    report = import_and_write(workbook, output, sheet=sheet, schema_id=schema_id, kind=kind, title=title,
                              synonyms_file=synonyms)
    emit_report(report, fmt, outputs=[output] if output.exists() and report.valid else [], replaced=before)


@schema.command()
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@_SCHEMAS
@output_options
def diff(old: str, new: str, schema_dirs: tuple[Path, ...], fmt: str) -> None:
    """Compare two schemas (ids or files): items added, removed, renamed, changed; code values.

    Changes are findings of severity info (additions) or warning (what may break a migration); the
    exit code is 0 unless a schema cannot be read.

    \b
    Example:
      migrator schema diff schemas/standard/001_juki.yaml schemas/standard/001_juki.yaml
    """
    from migrator.schema import diff_report

    registry = _registry(schema_dirs)
    emit_report(diff_report(registry.resolve(old), registry.resolve(new), old_name=old, new_name=new), fmt)
