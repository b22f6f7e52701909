"""The rules of the register, declared as data (``rules.yaml``), and the user's overrides of them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from migrator.catalogue import SEVERITIES, catalogue
from migrator.errors import SpecError
from migrator.limits import compose_yaml, read_text_file, yaml_error
from migrator.location import Location

OPS = ("<", "<=", ">", ">=", "==", "!=")
TESTS = ("present", "missing")
OWNERS = ("municipality", "current_vendor", "target_vendor")

FACTS: dict[str, str] = {
    # inventory
    "contract_end": "inventory", "release_date": "inventory", "planned_date": "inventory",
    "current_vendor": "inventory", "target_vendor": "inventory", "special_support": "inventory",
    "special_deadline": "inventory", "record_count": "inventory", "interim_links": "inventory",
    # the last validation run linked to the system
    "run_id": "run", "run_date": "run", "rows_in": "run", "rows_rejected": "run", "reject_share": "run",
    "gaiji_unmapped": "run", "code_unconverted": "run", "reconciliation_gaps": "run",
    "run_age_at_rehearsal": "run",
    # the stored plan
    "next_rehearsal": "plan", "days_to_rehearsal": "plan", "cutover_date": "plan", "late_days": "plan",
    "chain": "plan", "critical": "plan", "critical_tasks": "plan", "slack": "plan", "cutover_freeze": "plan",
}
"""Every fact a rule may name, and where it comes from (docs/risks.md describes each)."""


FINDING_CODES: dict[str, tuple[str, ...]] = {"gaiji_unmapped": ("DAT108", "MAP406"), "code_unconverted": ("DAT104", "MAP404"),
                 "reconciliation_gaps": ("DAT301", "DAT302", "DAT303")}


@dataclass(frozen=True)
class Condition:
    fact: str
    op: str
    value: Any = None
    """A literal, or ``@name`` for another fact."""


@dataclass(frozen=True)
class Rule:
    code: str
    when: tuple[Condition, ...]
    evidence: tuple[str, ...] = ()
    owner: str = "municipality"
    threatens: tuple[str, ...] = ()
    """The plan task whose latest start is the date to resolve by, as candidates tried in turn: each a phase id
    of the template (``item_mapping`` …) or a phase kind (``rehearsal``: the system's first open rehearsal,
    ``link_test``, ``ready``, ``cutover``: its cut-over — the phase of kind ``cutover``, else the one due by the
    deadline, else its last phase), so a template of other phase ids finds its phases too."""
    measure: str | None = None
    severity: str | None = None
    """Overrides the catalogue's severity."""
    enabled: bool = True


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    interim_markers: tuple[str, ...] = ("暫定", "interim")
    finding_codes: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(FINDING_CODES))
    """Which finding codes of a run count towards ``gaiji_unmapped``, ``code_unconverted``, ``reconciliation_gaps``."""


DEFAULT_RULES = resources.files("migrator.risk") / "rules.yaml"


def _fail(path: str, where: str, en: str, ja: str) -> SpecError:
    return SpecError(f"{where}: {en}", f"{where}: {ja}", location=Location(file=path))


def _read(text: str, path: str) -> dict[str, Any]:
    try:
        compose_yaml(text, path)  # bounded first: depth and size of the tree
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise yaml_error(exc, path, text) from None
    if not isinstance(data, dict) or not isinstance(data.get("rules", []), list):
        raise _fail(path, "rules", "expected a mapping with a list `rules:`", "`rules:` の一覧が必要です")
    return data


def _condition(path: str, where: str, raw: Any) -> Condition:
    if not isinstance(raw, list) or len(raw) not in (2, 3):
        raise _fail(path, where, f"a condition is [fact, op, value] or [fact, present|missing], got {raw!r}",
                    f"条件は [事実, 演算子, 値] または [事実, present|missing] です: {raw!r}")
    fact, op, *rest = raw
    if fact not in FACTS:
        raise _fail(path, where, f"unknown fact {fact!r} (known: {', '.join(FACTS)})", f"未知の事実 {fact!r} です")
    if (len(rest) == 0 and op not in TESTS) or (len(rest) == 1 and op not in OPS):
        raise _fail(path, where, f"unknown operator {op!r} (use {' '.join(OPS + TESTS)})",
                    f"未知の演算子 {op!r} です")
    value = rest[0] if rest else None
    if isinstance(value, str) and value.startswith("@") and value[1:] not in FACTS:
        raise _fail(path, where, f"unknown fact {value!r}", f"未知の事実 {value!r} です")
    return Condition(fact=str(fact), op=str(op), value=value)


def _rule(path: str, raw: Any, base: Rule | None) -> Rule:
    if not isinstance(raw, dict) or "code" not in raw:
        raise _fail(path, "rules", f"each rule needs a code, got {raw!r}", f"各ルールにコードが必要です: {raw!r}")
    code = str(raw["code"])
    where = f"rule {code}"
    if code not in catalogue() or not code.startswith("RSK"):
        raise _fail(path, where, "the code must be an RSK code of the findings catalogue",
                    "コードは指摘コード一覧の RSK コードにしてください")
    unknown = set(raw) - {"code", "when", "evidence", "owner", "threatens", "measure", "severity", "enabled"}
    if unknown:
        raise _fail(path, where, f"unknown keys {sorted(unknown)}", f"未知のキー {sorted(unknown)} があります")
    if base is None and "when" not in raw:
        raise _fail(path, where, "a new rule needs `when`", "新しいルールには `when` が必要です")
    rule = base or Rule(code=code, when=())
    when = raw.get("when")
    if when is not None:
        if not isinstance(when, list) or not when:
            raise _fail(path, where, "`when` must be a non-empty list of conditions", "`when` は条件の一覧です")
        rule = replace(rule, when=tuple(_condition(path, where, c) for c in when))
    if "evidence" in raw:
        bad = [f for f in raw["evidence"] or () if f not in FACTS]
        if bad:
            raise _fail(path, where, f"unknown evidence facts {bad}", f"未知の事実 {bad} があります")
        rule = replace(rule, evidence=tuple(raw["evidence"] or ()))
    if "owner" in raw:
        if raw["owner"] not in OWNERS:
            raise _fail(path, where, f"owner must be one of {', '.join(OWNERS)}", f"owner は {'/'.join(OWNERS)} です")
        rule = replace(rule, owner=raw["owner"])
    if "severity" in raw:
        if raw["severity"] not in SEVERITIES:
            raise _fail(path, where, f"severity must be one of {', '.join(SEVERITIES)}", "severity が不正です")
        rule = replace(rule, severity=raw["severity"])
    if "measure" in raw:
        if raw["measure"] is not None and raw["measure"] not in FACTS:
            raise _fail(path, where, f"unknown fact {raw['measure']!r}", f"未知の事実 {raw['measure']!r} です")
        rule = replace(rule, measure=raw["measure"])
    if "threatens" in raw:
        value = raw["threatens"]
        names = [] if value is None else [value] if isinstance(value, (str, int)) else value
        if not isinstance(names, list) or not all(isinstance(n, (str, int)) and str(n).strip() for n in names):
            raise _fail(path, where, f"threatens is a phase id or kind, or a list of them, got {value!r}",
                        f"threatens は工程 id か種類 (kind)、またはその一覧です: {value!r}")
        rule = replace(rule, threatens=tuple(str(n).strip() for n in names))
    if "enabled" in raw:
        rule = replace(rule, enabled=bool(raw["enabled"]))
    return rule


def parse_rules(text: str, *, source: str, base: RuleSet | None = None) -> RuleSet:
    """Read rules from YAML ``text``; with ``base``, the text overrides it rule by rule (same code)."""
    data = _read(text, source)
    rules = {r.code: r for r in (base.rules if base else ())}
    for raw in data.get("rules") or ():
        code = str(raw.get("code")) if isinstance(raw, dict) else None
        rules[code or ""] = _rule(source, raw, rules.get(code or ""))
    markers = data.get("interim_markers", base.interim_markers if base else ("暫定", "interim"))
    codes = dict(base.finding_codes if base else FINDING_CODES)
    raw_codes = data.get("finding_codes") or {}
    if not isinstance(raw_codes, dict) or not set(raw_codes) <= set(FINDING_CODES):
        raise _fail(source, "finding_codes", f"expected a mapping of {', '.join(FINDING_CODES)} to code lists",
                    f"{', '.join(FINDING_CODES)} ごとのコード一覧が必要です")
    codes.update({k: tuple(str(c) for c in v or ()) for k, v in raw_codes.items()})
    return RuleSet(rules=tuple(sorted(rules.values(), key=lambda r: r.code)), interim_markers=tuple(markers),
                   finding_codes=codes)


def load_rules(path: Path | None = None) -> RuleSet:
    """The shipped rules, overridden by the rules file at ``path`` when one is given."""
    shipped = parse_rules(DEFAULT_RULES.read_text(encoding="utf-8"), source="migrator/risk/rules.yaml")
    if path is None:
        return shipped
    # Checked as every user file is: a FIFO or a device would never end, Shift_JIS is named with its line.
    text = read_text_file(path, what="rules")
    return parse_rules(text, source=str(path), base=shipped)


def holds(condition: Condition, facts: dict[str, Any]) -> bool:
    """Whether ``condition`` holds on ``facts``; a comparison with an unknown fact never holds."""
    left = facts.get(condition.fact)
    if condition.op == "present":
        return left is not None
    if condition.op == "missing":
        return left is None
    right = condition.value
    if isinstance(right, str) and right.startswith("@"):
        right = facts.get(right[1:])
    if left is None or right is None:
        return False
    if isinstance(left, dt.datetime):
        left = left.date()
    try:
        if condition.op == "==":
            return bool(left == right)
        if condition.op == "!=":
            return bool(left != right)
        if condition.op == "<":
            return bool(left < right)
        if condition.op == "<=":
            return bool(left <= right)
        if condition.op == ">":
            return bool(left > right)
        return bool(left >= right)
    except TypeError:
        return False
