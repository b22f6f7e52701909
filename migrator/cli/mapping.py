"""``migrator mapping``: Check, convert and run mapping workbooks (項目対応表)."""

from __future__ import annotations

from pathlib import Path

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
    schemas_option,
)

_FILE = InputFile("workbook")
_OUT = OutputPath()


@click.group()
def mapping() -> None:
    """Check, convert and run mapping workbooks (項目対応表).

    \b
    Example:
      migrator mapping check mappings/juki_rdb_jumin.xlsx
    """


@mapping.command()
@click.argument("workbook", type=_FILE)
@schemas_option
@output_options
def check(workbook: Path, fmt: str) -> None:
    """Check a mapping workbook (or its YAML form) against its schemas.

    Every required standard item needs a source, a default or 対象外 with a reason; legacy items,
    transforms, code tables, types and lengths are checked. Every finding names sheet!cell.

    \b
    Example:
      migrator mapping check mappings/juki_mainframe_jumin.xlsx
    """
    from migrator.mapping import check_workbook

    emit_report(check_workbook(workbook), fmt)


@mapping.command()
@click.argument("workbook", type=_FILE)
@click.option("-o", "--output", "out", type=_OUT, required=True, help="The YAML file to write.")
@schemas_option
@output_options
def export(workbook: Path, out: Path, fmt: str) -> None:
    """Export a mapping workbook to its YAML form (lossless; nothing is written on reading errors).

    \b
    Example:
      migrator mapping export mappings/juki_rdb_jumin.xlsx -o juki_rdb_jumin.yaml
    """
    from migrator.mapping import convert_mapping

    before = existing_files(out)
    written, report = convert_mapping(workbook, out)
    emit_report(report, fmt, outputs=[written] if written else [], replaced=before)


@mapping.command("import")
@click.argument("source", type=_FILE)
@click.option("-o", "--output", "out", type=_OUT, required=True, help="The workbook (.xlsx) to write.")
@output_options
def import_(source: Path, out: Path, fmt: str) -> None:
    """Write a mapping workbook from the YAML form.

    \b
    Example:
      migrator mapping import mappings/juki_rdb_jumin.yaml -o juki_rdb_jumin.xlsx
    """
    from migrator.mapping import convert_mapping

    before = existing_files(out)
    written, report = convert_mapping(source, out)
    emit_report(report, fmt, outputs=[written] if written else [], replaced=before)


@mapping.command()
@click.option("--standard", required=True, help="Standard schema (id such as std-001-juki, or file stem 001_juki).")
@click.option("--table", required=True, help="Standard table, e.g. 住民.")
@click.option("--legacy", required=True, help="Legacy schema (id or file stem).")
@click.option("--legacy-table", required=True, help="Legacy table.")
@click.option("-o", "--output", "out", type=_OUT, required=True, help="The workbook (.xlsx) to write.")
@click.option("--sample", type=InputFile("extract"), default=None,
              help="An extract of the legacy table: its values (dates, digits, kana, codes) count as evidence too.")
@schemas_option
@lang_option
def template(standard: str, table: str, legacy: str, legacy_table: str, out: Path, sample: Path | None) -> None:
    """Write a pre-filled mapping workbook with suggested legacy items (confirm each one).

    Every standard item is listed (required ones highlighted). A legacy item is filled in only when the
    evidence is convincing (names in Japanese, romaji, English or abbreviated; type, length, characters,
    code lists; with --sample, the extract's values), each legacy item for one standard item, with the
    obvious transform (wareki, zenkaku, postal, code(...)); otherwise the cell stays empty. The candidates
    with their scores are written in 備考. Drop-downs offer legacy item names and transform names.

    \b
    Example:
      migrator mapping template --standard 001_juki --table 住民 --legacy juki_rdb --legacy-table 個人 -o mapping.xlsx
    """
    from migrator.i18n import t
    from migrator.mapping import write_template

    samples = None
    if sample is not None:
        from migrator.services.mapping import read_samples

        samples = read_samples(sample, legacy=legacy, legacy_table=legacy_table)
    key = "replaced" if existing_files(out) else "written"
    path, made = write_template(standard=standard, table=table, legacy=legacy, legacy_table=legacy_table, out=out,
                                samples=samples)
    suggested = sum(1 for r in made.items if r.legacy)
    lang = app().lang
    click.echo(f"{len(made.items)} 標準項目 / {suggested} 候補あり" if lang == "ja"
               else f"{len(made.items)} standard items, {suggested} with a suggestion")
    click.echo(t(key, lang, path=path))


@mapping.command()
@output_options
def transforms(fmt: str) -> None:
    """List the transforms usable in the 変換 column, with their signatures.

    \b
    Example:
      migrator mapping transforms
    """
    from migrator.mapping import REGISTRY

    lang = app().lang
    rows = [[t.signature(), "source" if t.is_source else "/".join(t.accepts),
             t.returns, t.summary_ja if lang == "ja" else t.summary_en] for t in REGISTRY.values()]
    keys = ["transform", "takes", "gives", "summary"]  # the JSON keys stay the same in either language
    header = ["変換", "入力", "出力", "説明"] if lang == "ja" else keys
    emit_table(header, rows, fmt, data=[dict(zip(keys, r, strict=True)) for r in rows])
