"""The last step of ``migrator demo``: the risk register of the sample municipality.

It joins what the earlier steps stored: the inventory, the validation runs (linked to the systems they
migrate) and the plan of scenario ``demo``; the register is kept as a snapshot for ``migrator risk diff``.
"""

from __future__ import annotations

from pathlib import Path

from migrator.demo import DemoContext, DemoStep
from migrator.errors import PlanError
from migrator.i18n import join_list, t
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
    readiness = "; ".join(
        t("demo_readiness", ctx.lang, system=r.system_name, run=r.run_id, rows=r.rows_in, rejected=r.rows_rejected,
          gaiji=r.gaiji_unmapped,
          recon=t(f"recon_{r.reconciliation}", ctx.lang) if r.reconciliation in ("ok", "gaps") else r.reconciliation)
        for r in ready)
    by_code: dict[str, int] = {}
    for c in register.concerns:
        by_code[c.code] = by_code.get(c.code, 0) + 1
    detail = t("demo_risks", ctx.lang, concerns=len(register.concerns), municipality=MUNICIPALITY,
               error=counts["error"], warning=counts["warning"], info=counts["info"],
               by_code=join_list((f"{k} {v}" for k, v in sorted(by_code.items())), ctx.lang),
               with_concerns=len(register.systems_with_concerns()), systems=len(register.readiness),
               readiness=readiness or t("demo_no_run", ctx.lang))
    return DemoStep(name="risks", detail=detail, outputs=outputs)
