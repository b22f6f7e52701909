"""``migrator samples``: write the bundled schemas, mappings and sample data into a folder."""

from __future__ import annotations

from pathlib import Path

import click

from migrator.cli.common import OutputPath, app, lang_option
from migrator.i18n import plural


@click.command()
@click.argument("target", type=OutputPath(folder=True), default=Path("."))
@click.option("--force", is_flag=True, help="Overwrite files that already exist in TARGET.")
@lang_option
def samples(target: Path, force: bool) -> None:
    """Copy the bundled schemas/, mappings/ and sample_data/ into TARGET (default: the current folder).

    The README's tour runs on these copies; edit them freely, the bundled originals stay as shipped.
    Existing files are kept unless --force is given.

    \b
    Example:
      migrator samples tour/
    """
    from migrator.bundled import copy_samples, sample_files

    ja = app().lang == "ja"
    written = copy_samples(target, force=force)
    kept = len(sample_files()) - len(written)
    for path in written:
        click.echo(f"  {path}")
    click.echo(f"{len(written)} 件のファイルを書き出しました: {target.resolve()}" if ja
                else f"Wrote {len(written)} {plural(len(written), 'file', 'files')} into {target.resolve()}")
    if kept:
        click.echo(f"{kept} 件は既存のため上書きしていません(上書きは --force)。" if ja
                    else f"Kept {kept} existing {plural(kept, 'file', 'files')} (use --force to overwrite).")
