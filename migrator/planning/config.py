"""Task templates, dependency rules and calendar settings: shipped YAML defaults, overridable per project."""

from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from migrator.errors import SpecError
from migrator.limits import compose_yaml, read_text_file, yaml_error
from migrator.location import Location

HERE = Path(__file__).parent
DEFAULT_TEMPLATE = HERE / "templates.yaml"
DEFAULT_RULES = HERE / "rules.yaml"
DEFAULT_CALENDAR = HERE / "calendar.yaml"

OWNERS = ("municipality", "current_vendor", "target_vendor")
KINDS = ("work", "rehearsal", "link_test", "ready", "cutover")
WINDOWS = ("business_day", "weekend")


@dataclass(frozen=True)
class Phase:
    """One phase of a system's migration as the template declares it."""

    id: str
    name: str
    owner: str
    days: int
    checkpoint: bool = False
    kind: str = "work"
    due: bool = False
    release: bool = False
    scale: bool = True
    window: str = "business_day"
    after: tuple[str, ...] | None = None
    """Phases this one follows; ``None`` means the previous phase of the list."""
    name_en: str | None = None
    """The phase's name in English (``None``: ``name`` is shown in both languages)."""


@dataclass(frozen=True)
class SizeClass:
    name: str
    factor: float
    max_records: int | None = None


@dataclass(frozen=True)
class Template:
    name: str
    phases: tuple[Phase, ...]
    size_classes: tuple[SizeClass, ...] = (SizeClass("S", 1.0),)

    def phase(self, phase_id: str) -> Phase | None:
        return next((p for p in self.phases if p.id == phase_id), None)

    def size_class(self, record_count: int | None) -> SizeClass:
        """The first class whose ``max_records`` holds ``record_count`` (unknown counts take the first)."""
        if record_count is None:
            return self.size_classes[0]
        for sc in self.size_classes:
            if sc.max_records is None or record_count <= sc.max_records:
                return sc
        return self.size_classes[-1]

    def duration(self, phase: Phase, size: SizeClass) -> int:
        return phase.days if not phase.scale else math.ceil(phase.days * size.factor)

    def predecessors(self, phase: Phase) -> tuple[str, ...]:
        if phase.after is not None:
            return phase.after
        idx = self.phases.index(phase)
        return (self.phases[idx - 1].id,) if idx else ()


@dataclass(frozen=True)
class Rule:
    """An edge pattern across the systems of one municipality."""

    name: str
    from_areas: tuple[str, ...]
    from_phase: str
    to_areas: tuple[str, ...] | None
    """``None`` means every area not in ``from_areas``."""
    to_phase: str
    description: str = ""


@dataclass(frozen=True)
class InterfaceRule:
    rehearsal: str = "rehearsal2"
    link_test: str = "link_test"
    ready: str = "acceptance"
    cutover: str = "cutover"
    interim_markers: tuple[str, ...] = ("暫定", "interim")


@dataclass(frozen=True)
class Rules:
    rules: tuple[Rule, ...] = ()
    interfaces: InterfaceRule = field(default_factory=InterfaceRule)


@dataclass(frozen=True)
class FreezeWindow:
    name: str
    areas: tuple[str, ...]
    start: tuple[int, int]
    end: tuple[int, int]

    def contains(self, month: int, day: int) -> bool:
        md = (month, day)
        if self.start <= self.end:
            return self.start <= md <= self.end
        return md >= self.start or md <= self.end


# The shipped freeze windows (calendar.yaml) in English; a window of the user's own is shown as named.
WINDOW_LABELS_EN = {"確定申告": "tax return season", "転入転出期": "moving season", "当初賦課": "initial tax levy"}


def window_label(name: str, lang: str) -> str:
    """A freeze window's name as shown in ``lang``."""
    return WINDOW_LABELS_EN.get(name, name) if lang == "en" else name


@dataclass(frozen=True)
class CalendarSettings:
    year_end: tuple[tuple[int, int], tuple[int, int]] = ((12, 29), (1, 3))
    fiscal_year_start: tuple[int, int] = (4, 1)
    freeze_windows: tuple[FreezeWindow, ...] = ()
    default_vendor_capacity: int | None = 3

    def to_dict(self) -> dict[str, Any]:
        md = "{:02d}-{:02d}".format
        return {
            "year_end": {"from": md(*self.year_end[0]), "to": md(*self.year_end[1])},
            "fiscal_year_start": md(*self.fiscal_year_start),
            "freeze_windows": [
                {"name": w.name, "areas": list(w.areas), "from": md(*w.start), "to": md(*w.end)}
                for w in self.freeze_windows
            ],
            "default_vendor_capacity": self.default_vendor_capacity,
        }


@dataclass(frozen=True)
class PlanningConfig:
    template: Template
    rules: Rules
    calendar: CalendarSettings


def _load(path: Path) -> Any:
    text = read_text_file(path)
    try:
        compose_yaml(text, path)  # bounded first: depth and size of the tree
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise yaml_error(exc, path, text) from None


def _fail(path: Path, where: str, en: str, ja: str) -> SpecError:
    return SpecError.of("PLN050", Location(file=str(path)), key=where, reason=en, reason_ja=ja)


def _md(path: Path, where: str, value: Any) -> tuple[int, int]:
    try:
        month, day = (int(x) for x in str(value).split("-"))
        dt.date(2000, month, day)  # a leap year: 02-29 is a day of the calendar, 02-30 and 04-31 are not
    except (ValueError, TypeError):
        raise _fail(path, where, f"expected a day of the year as MM-DD, got {value!r}",
                    f"MM-DD 形式の実在する日ではありません: {value!r}") from None
    return month, day


MAX_PHASE_DAYS = 1000
"""Business days one phase may take (about four years); more is a typing error, not a plan."""
MAX_PHASE_NAME = 100
"""Characters of a phase name a stored plan keeps (plan_task.phase)."""
MAX_CAPACITY = 10_000
"""Parallel tasks of one vendor; more is a typing error (and would not fit the store's integer column)."""


def _whole(path: Path, where: str, value: Any, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise _fail(path, where, f"must be a whole number from {low} to {high}, got {value!r}",
                    f"{low} から {high} までの整数にしてください (値: {value!r})")
    return value


def _number(path: Path, where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1000:
        raise _fail(path, where, f"must be a number above 0 and at most 1000, got {value!r}",
                    f"0 より大きく 1000 以下の数にしてください (値: {value!r})")
    return float(value)


def load_template(path: Path | None = None) -> Template:
    """Read a task template YAML (the shipped default when ``path`` is None)."""
    path = path or DEFAULT_TEMPLATE
    data = _load(path)
    if not isinstance(data, dict) or not isinstance(data.get("phases"), list) or not data["phases"]:
        raise _fail(path, "phases", "a non-empty list of phases is required", "phases (工程の一覧) が必要です")
    phases: list[Phase] = []
    for i, raw in enumerate(data["phases"]):
        where = f"phases[{i}]"
        if not isinstance(raw, dict) or not raw.get("id") or not raw.get("name"):
            raise _fail(path, where, "each phase needs id and name", "各工程に id と name が必要です")
        if len(str(raw["name"])) > MAX_PHASE_NAME:
            raise _fail(path, f"{where}.name", f"at most {MAX_PHASE_NAME} characters, got {len(str(raw['name']))}",
                        f"{MAX_PHASE_NAME} 文字までです ({len(str(raw['name']))} 文字あります)")
        owner, kind = raw.get("owner", "target_vendor"), raw.get("kind", "work")
        window = raw.get("window", "business_day")
        days = raw.get("days")
        if owner not in OWNERS:
            raise _fail(path, where, f"owner must be one of {OWNERS}", f"owner は {OWNERS} のいずれかです")
        if kind not in KINDS:
            raise _fail(path, where, f"kind must be one of {KINDS}", f"kind は {KINDS} のいずれかです")
        if window not in WINDOWS:
            raise _fail(path, where, f"window must be one of {WINDOWS}", f"window は {WINDOWS} のいずれかです")
        days = _whole(path, f"{where}.days", days, 0, MAX_PHASE_DAYS)
        after = raw.get("after")
        name_en = raw.get("name_en")
        if name_en is not None and (not isinstance(name_en, (str, int)) or not str(name_en).strip()):
            raise _fail(path, f"{where}.name_en", f"must be a text, got {name_en!r}",
                        f"文字列にしてください (値: {name_en!r})")
        phases.append(Phase(
            id=str(raw["id"]), name=str(raw["name"]), owner=owner, days=days,
            checkpoint=bool(raw.get("checkpoint", False)), kind=kind, due=bool(raw.get("due", False)),
            release=bool(raw.get("release", False)), scale=bool(raw.get("scale", True)), window=window,
            after=tuple(str(a) for a in after) if after is not None else None,
            name_en=str(name_en).strip() if name_en is not None else shipped_phase_name_en(str(raw["name"])),
        ))
    ids = [p.id for p in phases]
    if len(set(ids)) != len(ids):
        raise _fail(path, "phases", "phase ids must be unique", "工程 id が重複しています")
    for p in phases:
        for a in p.after or ():
            if a not in ids:
                raise _fail(path, f"phase {p.id}", f"unknown phase in after: {a}", f"after の工程がありません: {a}")
    raw_sizes = data.get("size_classes") or [{"name": "S", "factor": 1.0}]
    if not isinstance(raw_sizes, list) or not all(isinstance(s, dict) and s.get("name") for s in raw_sizes):
        raise _fail(path, "size_classes", "a list of {name, factor, max_records} is required",
                    "{name, factor, max_records} の一覧にしてください")
    sizes = tuple(
        SizeClass(name=str(s["name"]), factor=_number(path, f"size_classes[{i}].factor", s.get("factor", 1.0)),
                  max_records=None if s.get("max_records") is None
                  else _whole(path, f"size_classes[{i}].max_records", s["max_records"], 0, 10**15))
        for i, s in enumerate(raw_sizes)
    )
    return Template(name=str(data.get("name", path.stem)), phases=tuple(phases), size_classes=sizes)


@functools.cache
def _shipped_names_en() -> dict[str, str]:
    data = yaml.safe_load(read_text_file(DEFAULT_TEMPLATE))
    return {str(p["name"]): str(p["name_en"]) for p in data["phases"] if p.get("name_en")}


def shipped_phase_name_en(name: str) -> str | None:
    """The English name of a phase of the shipped template by its Japanese ``name`` (a project's template that
    keeps a shipped phase's name, or a plan stored before phases had English names), else None."""
    return _shipped_names_en().get(name)


def _areas(value: Any) -> tuple[str, ...] | None:
    if value in (None, "*"):
        return None
    if isinstance(value, (str, int)):
        value = [value]
    return tuple(str(v).zfill(3) for v in value)


def load_rules(path: Path | None = None, *, template: Template | None = None) -> Rules:
    """Read dependency rules YAML; every phase a rule names must exist in ``template``."""
    path = path or DEFAULT_RULES
    data = _load(path) or {}
    if not isinstance(data, dict):
        raise _fail(path, "rules", "the file must be a YAML mapping", "YAML のマッピング (キー: 値) にしてください")
    rules = []
    for i, raw in enumerate(data.get("rules") or []):
        where = f"rules[{i}]"
        try:
            src, dst = raw["from"], raw["to"]
            rule = Rule(name=str(raw["name"]), from_areas=_areas(src["areas"]) or (), from_phase=str(src["phase"]),
                        to_areas=_areas(dst.get("areas", "*")), to_phase=str(dst["phase"]),
                        description=str(raw.get("description", "")))
        except (KeyError, TypeError):
            raise _fail(path, where, "a rule needs name, from {areas, phase} and to {areas, phase}",
                        "規則には name, from {areas, phase}, to {areas, phase} が必要です") from None
        if template is not None:
            for ph in (rule.from_phase, rule.to_phase):
                if template.phase(ph) is None:
                    raise _fail(path, where, f"unknown phase {ph!r} in template {template.name}",
                                f"テンプレート {template.name} に工程 {ph!r} がありません")
        rules.append(rule)
    raw_if = data.get("interfaces") or {}
    iface = InterfaceRule(
        rehearsal=str(raw_if.get("rehearsal", "rehearsal2")), link_test=str(raw_if.get("link_test", "link_test")),
        ready=str(raw_if.get("ready", "acceptance")), cutover=str(raw_if.get("cutover", "cutover")),
        interim_markers=tuple(raw_if.get("interim_markers", ("暫定", "interim"))),
    )
    return Rules(rules=tuple(rules), interfaces=iface)


def calendar_from_dict(data: dict[str, Any], path: Path | None = None) -> CalendarSettings:
    """Calendar settings from their dict form (the YAML file, or what a stored plan recorded)."""
    where = path or Path("<calendar>")
    ye = data.get("year_end") or {"from": "12-29", "to": "01-03"}
    windows = tuple(
        FreezeWindow(name=str(w["name"]), areas=_areas(w.get("areas")) or (),
                     start=_md(where, f"freeze_windows[{i}].from", w["from"]),
                     end=_md(where, f"freeze_windows[{i}].to", w["to"]))
        for i, w in enumerate(data.get("freeze_windows") or [])
    )
    cap = data.get("default_vendor_capacity", 3)
    if cap is not None:
        cap = _whole(where, "default_vendor_capacity", cap, 1, MAX_CAPACITY)
    if not isinstance(ye, dict) or "from" not in ye or "to" not in ye:
        raise _fail(where, "year_end", "needs from and to (MM-DD)", "from と to (MM-DD) が必要です")
    return CalendarSettings(
        year_end=(_md(where, "year_end.from", ye["from"]), _md(where, "year_end.to", ye["to"])),
        fiscal_year_start=_md(where, "fiscal_year_start", data.get("fiscal_year_start", "04-01")),
        freeze_windows=windows,
        default_vendor_capacity=int(cap) if cap is not None else None,
    )


def load_calendar(path: Path | None = None) -> CalendarSettings:
    """Read calendar settings YAML (the shipped default when ``path`` is None)."""
    path = path or DEFAULT_CALENDAR
    data = _load(path) or {}
    if not isinstance(data, dict):
        raise _fail(path, "calendar", "the file must be a YAML mapping", "YAML のマッピング (キー: 値) にしてください")
    try:
        return calendar_from_dict(data, path)
    except (KeyError, TypeError):
        raise _fail(path, "freeze_windows", "each window needs name, areas, from and to",
                    "各凍結期間に name, areas, from, to が必要です") from None


def load_config(*, template: Path | None = None, rules: Path | None = None,
                calendar: Path | None = None) -> PlanningConfig:
    """The planning configuration: shipped defaults, each replaceable by a project file."""
    tpl = load_template(template)
    return PlanningConfig(template=tpl, rules=load_rules(rules, template=tpl), calendar=load_calendar(calendar))
