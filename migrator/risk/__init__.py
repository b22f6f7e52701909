"""The risk register (懸念点一覧): concerns per system from the inventory, the validation runs and the plan.

The rules are data (``rules.yaml``, overridable); :func:`evaluate` applies them to plain values and returns a
:class:`Register`; :func:`diff` compares two registers. Nothing here reads the store.
"""

from migrator.risk.model import Concern, DueDriver, Evidence, Readiness, Register, RegisterDiff, RunRecord
from migrator.risk.register import diff, evaluate, link_runs, system_facts
from migrator.risk.rules import FACTS, Rule, RuleSet, load_rules, parse_rules

__all__ = ["FACTS", "Concern", "DueDriver", "Evidence", "Readiness", "Register", "RegisterDiff", "Rule", "RuleSet", "RunRecord",
           "diff", "evaluate", "link_runs", "load_rules", "parse_rules", "system_facts"]
