"""``migrator demo``: run the main jobs on the bundled sample data."""

from __future__ import annotations

from pathlib import Path

import click

from migrator.bundled import data_dir
from migrator.cli.common import OutputPath, app, lang_option
from migrator.i18n import t


@click.command()
@click.option("--data", "root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder holding sample_data/, schemas/ and mappings/ as `migrator samples` writes them "
                   "(default: the bundled ones).")
@click.option("--out", "out_dir", type=OutputPath(folder=True), default=Path("demo-output"),
              show_default=True, help="Folder for the demo's outputs.")
@lang_option
def demo(root: Path | None, out_dir: Path) -> None:
    """Run the main jobs on the bundled sample data with the embedded SQLite store.

    \b
    Example:
      migrator demo --out demo-output
    """
    ctx = app()
    store = ctx.store()
    try:
        from migrator.demo import run_demo  # imports the store: only when the demo runs

        result = run_demo(root=root or data_dir(), out_dir=out_dir, store=store, lang=ctx.lang)
    finally:
        store.close()
    for step in result.steps:
        click.echo(f"[{t('step_' + step.name, ctx.lang)}] {step.detail}")
    click.echo(t("demo_outputs", ctx.lang, path=str(out_dir.resolve())))
    for path in result.outputs:
        click.echo(f"  {path}")
    click.echo(t("demo_summary_html", ctx.lang, path=out_dir / "demo-summary.html"))
    raise SystemExit(result.exit_code)
