"""The last step of ``migrator demo``: the risk register of the sample municipality.

It joins what the earlier steps stored: the inventory, the validation runs (linked to the systems they
migrate) and the plan of scenario ``demo``; the register is kept as a snapshot for ``migrator risk diff``.
"""

from __future__ import annotations

from pathlib import Path

from migrator.demo import DemoContext, DemoStep
from migrator.errors import PlanError
from migrator.risk.export import write_html, write_plan_with_register, write_xlsx
from migrator.services.planning import get_plan
from migrator.services.risk import build_register

MUNICIPALITY = "132012"
"""八王子市, the sample municipality of vendor A's inventory."""


def demo_step(ctx: DemoContext) -> DemoStep:
    """Build, store and export the register of the sample municipality, alone and inside the demo plan."""
    register = build_register(ctx.store, municipality=MUNICIPALITY, scenario="demo")
    outputs: tuple[Path, ...] = (write_xlsx(register, ctx.out_dir / "risks.xlsx", ctx.lang),
                                 write_html(register, ctx.out_dir / "risks.html", ctx.lang))
    try:
        plan = get_plan(ctx.store, "demo")
    except PlanError:  # the plan step found a cycle and stored no plan
        plan = None
    if plan is not None:
        outputs += tuple(write_plan_with_register(plan, register, ctx.out_dir / f"plan-risks.{ext}", ext, ctx.lang)
                         for ext in ("xlsx", "html"))
    counts = register.counts()
    ready = [r for r in register.readiness if r.run_id is not None]
    readiness = "; ".join(f"{r.system_name}: run #{r.run_id} {r.rows_in} rows, {r.rows_rejected} not migrated, "
                          f"{r.gaiji_unmapped} unmapped 外字, reconciliation {r.reconciliation}" for r in ready)
    by_code: dict[str, int] = {}
    for c in register.concerns:
        by_code[c.code] = by_code.get(c.code, 0) + 1
    detail = (f"{len(register.concerns)} concerns for {MUNICIPALITY} (error {counts['error']}, warning "
              f"{counts['warning']}, info {counts['info']}; {', '.join(f'{k} {v}' for k, v in sorted(by_code.items()))}) "
              f"in {len(register.systems_with_concerns())} of {len(register.readiness)} systems; "
              f"data readiness: {readiness or 'no linked run'}")
    return DemoStep(name="risks", detail=detail, outputs=outputs)
