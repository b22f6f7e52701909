"""The dependency graph of a migration: tasks from the template, edges from phase order, rules, interfaces
and the user; cycles reported in full. networkx builds and checks the graph; schedules run on arrays."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import yaml

from migrator.errors import SpecError
from migrator.inventory.areas import area_label, resolve_area
from migrator.inventory.checks import source_location
from migrator.inventory.model import Interface, Inventory, System, names_system
from migrator.limits import compose_yaml, read_text_file, yaml_error
from migrator.location import Location
from migrator.planning.config import PlanningConfig
from migrator.planning.model import ScheduledTask
from migrator.report import Finding, make_finding

PHASE_RULE = "工程順"
INTERFACE_TEST_RULE = "連携テスト前提"
INTERFACE_READY_RULE = "連携先準備"
USER_RULE = "利用者指定"
# The rules are stored in Japanese (they are data of the plan); shown in English where English is asked.
# The shipped rules (rules.yaml) too; a rule of the user's own is shown as its file names it.
RULE_LABELS_EN = {PHASE_RULE: "phase order", INTERFACE_TEST_RULE: "interface test first",
                  INTERFACE_READY_RULE: "partner ready", USER_RULE: "user-declared",
                  "住記が宛名の提供元": "resident records first (the address source)",
                  "住記リハーサル先行": "resident records rehearse first",
                  "個人住民税が賦課の所得源": "resident tax first (the income source of levies)"}


def rule_label(rule: str, lang: str) -> str:
    """A dependency rule as shown in ``lang`` (a rule of no known name as it is)."""
    return RULE_LABELS_EN.get(rule, rule) if lang == "en" else rule


@dataclass(frozen=True)
class ExtraEdge:
    """A dependency the user declares by task keys (``団体コード/業務/システム名/工程id``)."""

    source: str
    target: str
    location: Location | None = None


@dataclass
class TaskGraph:
    tasks: list[ScheduledTask]
    edges: list[tuple[int, int, str]]
    systems: list[System]
    system_of: list[int]
    phase_due: list[bool]
    phase_release: list[bool]
    findings: list[Finding] = field(default_factory=list)
    origins: dict[tuple[int, int], Location] = field(default_factory=dict)
    """Where an edge was declared: the line of the --edges file, or the interface's row in the inventory."""


def task_key(system: System, phase_id: str) -> str:
    return f"{system.municipality_code}/{system.area_code}/{system.name}/{phase_id}"


def load_extra_edges(path: Path) -> list[ExtraEdge]:
    """Read user edges: ``edges: [{from: KEY, to: KEY}]`` (keys as ``migrator plan show`` prints them)."""
    text = read_text_file(path)
    try:
        root = compose_yaml(text, path)
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise yaml_error(exc, path, text) from None
    edges = data.get("edges") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(edges, list | None):
        raise SpecError.of("PLN050", Location(file=str(path)), key="edges",
                           reason="the file must be a mapping with a list edges: [{from: KEY, to: KEY}]",
                           reason_ja="edges: [{from: キー, to: キー}] の形のマッピングにしてください")
    out = []
    lines = _item_lines(root, "edges", len(edges or []))
    for i, raw in enumerate(edges or []):
        if not isinstance(raw, dict) or "from" not in raw or "to" not in raw:
            raise SpecError.of("PLN050", Location(file=str(path), line=lines[i]), key=f"edges[{i}]",
                               reason="needs from and to",
                               reason_ja="from と to が必要です")
        out.append(ExtraEdge(str(raw["from"]), str(raw["to"]), Location(file=str(path), line=lines[i])))
    return out


def _item_lines(root: yaml.Node | None, key: str, count: int) -> list[int | None]:
    """The line each item of the list under ``key`` of a YAML mapping starts on (None where not known)."""
    if isinstance(root, yaml.MappingNode):
        for k, v in root.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key and isinstance(v, yaml.SequenceNode):
                return [item.start_mark.line + 1 for item in v.value][:count] + [None] * (count - len(v.value))
    return [None] * count


def _resolve(end: str, systems: list[int], all_systems: list[System]) -> list[int]:
    """Systems of one municipality that an interface end names: system name, else 業務 name or number."""
    text = end.strip()
    found = [i for i in systems if names_system(text, all_systems[i].name)]
    if found:
        return found
    # Inventories name ends by 業務 as often as by system: number, name or abbreviation (住記, 国保 …),
    # resolved by the same rule the inventory check uses.
    area = resolve_area(text)
    return [i for i in systems if all_systems[i].area_code == area] if area else []


def build_graph(inventory: Inventory, config: PlanningConfig, *,
                extra_edges: list[ExtraEdge] | tuple[ExtraEdge, ...] = ()) -> TaskGraph:
    """Tasks of every system and every dependency edge, with findings for what could not be linked."""
    tpl = config.template
    systems = sorted(inventory.systems, key=lambda s: (s.municipality_code, s.area_code, s.name))
    tasks: list[ScheduledTask] = []
    system_of: list[int] = []
    due: list[bool] = []
    rel: list[bool] = []
    first: list[int] = []
    findings: list[Finding] = []
    for si, s in enumerate(systems):
        size = tpl.size_class(s.record_count)
        target = s.target_vendor or s.current_vendor
        current = s.current_vendor or s.target_vendor
        if target is None:
            findings.append(make_finding("PLN006", source_location(s.source), item=s.name,
                                         municipality=s.municipality_code, area=area_label(s.area_code, s.area_name, "en"),
                                         area_ja=s.area_name))
        first.append(len(tasks))
        for ph in tpl.phases:
            vendor = {"current_vendor": current, "target_vendor": target}.get(ph.owner)
            tasks.append(ScheduledTask(
                key=task_key(s, ph.id), municipality_code=s.municipality_code, area_code=s.area_code,
                area_name=s.area_name, system_name=s.name, phase_id=ph.id, phase=ph.name, owner=ph.owner,
                phase_en=ph.name_en or "", vendor=vendor, checkpoint=ph.checkpoint, kind=ph.kind, duration=tpl.duration(ph, size),
                window=ph.window if ph.kind == "cutover" else None,
            ))
            system_of.append(si)
            due.append(ph.due)
            rel.append(ph.release)
    phase_pos = {ph.id: i for i, ph in enumerate(tpl.phases)}

    def tid(si: int, phase_id: str) -> int:
        return first[si] + phase_pos[phase_id]

    edges: list[tuple[int, int, str]] = []
    within = [(phase_pos[pred], phase_pos[ph.id]) for ph in tpl.phases for pred in tpl.predecessors(ph)]
    for si in range(len(systems)):
        base = first[si]
        edges.extend((base + a, base + b, PHASE_RULE) for a, b in within)

    by_muni: dict[str, list[int]] = defaultdict(list)
    for si, s in enumerate(systems):
        by_muni[s.municipality_code].append(si)
    for rule in config.rules.rules:
        for members in by_muni.values():
            srcs = [si for si in members if systems[si].area_code in rule.from_areas]
            if not srcs:
                continue
            dsts = [si for si in members
                    if (systems[si].area_code in rule.to_areas if rule.to_areas is not None
                        else systems[si].area_code not in rule.from_areas)]
            for a in srcs:
                for b in dsts:
                    if a != b:
                        edges.append((tid(a, rule.from_phase), tid(b, rule.to_phase), rule.name))

    origins: dict[tuple[int, int], Location] = {}
    ir = config.rules.interfaces
    have = {ph.id for ph in tpl.phases}
    if {ir.rehearsal, ir.link_test, ir.ready, ir.cutover} <= have:
        for itf in inventory.interfaces:
            linked = _interface_edges(itf, by_muni.get(itf.municipality_code, []), systems, tid, config, findings)
            edges.extend(linked)
            for a, b, _ in linked:
                origins.setdefault((a, b), source_location(itf.cell("target")))  # the 連携先 that declares it

    keys = {t.key: i for i, t in enumerate(tasks)}
    for e in extra_edges:
        src, dst = keys.get(e.source), keys.get(e.target)
        if src is None or dst is None:
            missing = e.source if src is None else e.target
            findings.append(make_finding("PLN004", e.location, item=missing))
            continue
        edges.append((src, dst, USER_RULE))
        if e.location is not None:
            origins[(src, dst)] = e.location  # the user's line says more than an interface's row
    return TaskGraph(tasks=tasks, edges=edges, systems=systems, system_of=system_of, phase_due=due,
                     phase_release=rel, findings=findings, origins=origins)


def _interface_edges(itf: Interface, members: list[int], systems: list[System], tid: Callable[[int, str], int],
                     config: PlanningConfig, findings: list[Finding]) -> list[tuple[int, int, str]]:
    ir = config.rules.interfaces
    ends: list[list[int]] = []
    for side, end in (("source", itf.source), ("target", itf.target)):
        found = _resolve(end, members, systems)
        if not found:
            findings.append(make_finding("PLN003", source_location(itf.cell(side)), item=end,
                                         municipality=itf.municipality_code,
                                         interface=f"{itf.source} → {itf.target}"))
        ends.append(found)
    text = " ".join(x for x in (itf.method, itf.notes or "", itf.frequency or "") if x)
    interim = any(m in text for m in ir.interim_markers)
    out: list[tuple[int, int, str]] = []
    for a in ends[0]:
        for b in ends[1]:
            if a == b:
                continue
            out.append((tid(a, ir.rehearsal), tid(b, ir.link_test), INTERFACE_TEST_RULE))
            out.append((tid(b, ir.rehearsal), tid(a, ir.link_test), INTERFACE_TEST_RULE))
            if not interim:
                out.append((tid(b, ir.ready), tid(a, ir.cutover), INTERFACE_READY_RULE))
                out.append((tid(a, ir.ready), tid(b, ir.cutover), INTERFACE_READY_RULE))
    return out


@dataclass(frozen=True)
class Cycle:
    """One strongly connected group of tasks: every member and every edge among them, with its rules."""

    nodes: tuple[int, ...]
    edges: tuple[tuple[int, int, str], ...]


def analyse(n: int, edges: list[tuple[int, int, str]]) -> tuple[list[int], list[int], list[Cycle]]:
    """Topological order and wave (generation) of every task, or the cycles that prevent them.

    Generations by Kahn's algorithm on plain lists (a plan of 280,000 tasks takes a fraction of a second);
    networkx is asked only for the strongly connected groups of a graph that has a cycle.
    """
    succs: list[list[int]] = [[] for _ in range(n)]
    indeg = [0] * n
    for a, b, _ in edges:
        succs[a].append(b)
        indeg[b] += 1
    gen = [v for v in range(n) if indeg[v] == 0]
    order: list[int] = []
    wave = [0] * n
    w = 0
    while gen:
        nxt: list[int] = []
        for v in gen:
            wave[v] = w
            order.append(v)
            for x in succs[v]:
                indeg[x] -= 1
                if indeg[x] == 0:
                    nxt.append(x)
        gen = sorted(nxt)
        w += 1
    if len(order) < n:
        g = nx.DiGraph()
        g.add_nodes_from(range(n))
        g.add_edges_from((a, b) for a, b, _ in edges)
        rules: dict[tuple[int, int], list[str]] = defaultdict(list)
        for a, b, r in edges:
            if r not in rules[(a, b)]:
                rules[(a, b)].append(r)
        cycles = []
        for comp in nx.strongly_connected_components(g):
            if len(comp) == 1:
                (v,) = comp
                if not g.has_edge(v, v):
                    continue
            members = sorted(comp)
            inner = tuple((a, b, "; ".join(rules[(a, b)])) for a, b in sorted(g.subgraph(members).edges()))
            cycles.append(Cycle(nodes=tuple(members), edges=inner))
        return [], [], sorted(cycles, key=lambda c: c.nodes)
    return order, wave, []


def system_graph_edges(plan_tasks: list[ScheduledTask], edges: list[tuple[int, int, str]]) -> set[tuple[str, str]]:
    """Edges between systems (for drawing): a task edge across two systems becomes a system edge."""
    def name(t: ScheduledTask) -> str:
        return f"{t.municipality_code} {t.system_name}"
    return {(name(plan_tasks[a]), name(plan_tasks[b])) for a, b, _ in edges
            if name(plan_tasks[a]) != name(plan_tasks[b])}


def to_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None
