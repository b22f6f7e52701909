"""The planning step of ``migrator demo``: plan the sample inventory and write the Excel and HTML outputs."""

from __future__ import annotations

import datetime as dt

from migrator.demo import DemoContext, DemoStep
from migrator.i18n import t
from migrator.planning.export import write_plan
from migrator.services.planning import build_and_save

DEMO_START = dt.date(2025, 4, 1)


def demo_step(ctx: DemoContext) -> DemoStep:
    """Build scenario ``demo`` from the inventory in ctx.store (imported by the inventory step) and export it.

    When the store holds no inventory yet, the bundled sample workbooks are imported first.
    """
    from migrator.store.inventory_repo import load_inventory

    with ctx.store.reader() as session:
        empty = not load_inventory(session).systems
    if empty:
        from migrator.services.inventory import import_inventory

        samples = sorted((ctx.root / "sample_data" / "inventory").glob("*.xlsx"))
        import_inventory(samples, store=ctx.store, partial=True)
    result = build_and_save(ctx.store, start=DEMO_START, scenario="demo")
    plan = result.plan
    if plan is None:
        return DemoStep(name="plan", detail=t("demo_plan_cycle", ctx.lang), report=result.report)
    outputs = tuple(write_plan(plan, ctx.out_dir / f"plan.{ext}", ext, ctx.lang, result.report.findings) for ext in ("xlsx", "html"))
    s = plan.summary()
    detail = t("demo_plan", ctx.lang, tasks=s["tasks"], systems=s["systems"], waves=s["waves"], start=s["start"],
               finish=s["finish"], makespan=s["makespan_days"], bound=s["bound_days"], gap=s["gap_pct"],
               late=s["late_tasks"])
    return DemoStep(name="plan", detail=detail, outputs=outputs, report=result.report)
