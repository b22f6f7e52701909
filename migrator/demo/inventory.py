"""The inventory step of ``migrator demo``: import the sample workbooks, check them, export the result."""

from __future__ import annotations

from typing import TYPE_CHECKING

from migrator.i18n import t
from migrator.report import write_report
from migrator.services.inventory import check_store, export_inventory, import_inventory, load

if TYPE_CHECKING:
    from migrator.demo import DemoContext, DemoStep


def demo_step(ctx: DemoContext) -> DemoStep:
    """Import ``sample_data/inventory/*.xlsx`` into the demo store, check it and write the reports and export."""
    from migrator.demo import DemoStep

    samples = sorted((ctx.root / "sample_data" / "inventory").glob("*.xlsx"))
    # The samples hold values no one can read (as real ones do): the readable rows are imported.
    imported = import_inventory(samples, store=ctx.store, partial=True)
    checked = check_store(ctx.store)
    outputs = (
        write_report(imported, ctx.out_dir / "inventory-import.html", ctx.lang),
        write_report(checked, ctx.out_dir / "inventory-check.html", ctx.lang),
        export_inventory(load(ctx.store), ctx.out_dir / "inventory.xlsx", ctx.lang),
    )
    read = imported.summary["read"]
    counts = checked.counts_by_severity
    detail = t("demo_inventory", ctx.lang, workbooks=len(samples), municipalities=read["municipalities"],
               systems=read["systems"], interfaces=read["interfaces"], vendors=read["vendors"],
               errors=counts["error"], warnings=counts["warning"])
    return DemoStep(name="inventory", detail=detail, outputs=outputs, report=imported.merged(checked))
