"""Plan outputs: JSON with every field, a Mermaid gantt, a self-contained HTML page and Excel sheets."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from html import escape
from pathlib import Path
from typing import Any, TypedDict

from migrator.excel import SheetSpec, write_workbook
from migrator.i18n import Lang, fill, plural, role_name, status_name
from migrator.inventory.areas import area_label
from migrator.limits import write_output_text
from migrator.planning.build import why_text
from migrator.planning.calendar import ONE_DAY
from migrator.planning.config import window_label
from migrator.planning.graph import rule_label
from migrator.planning.model import Plan, ScheduledTask
from migrator.report.finding import Finding
from migrator.report.html import FILTER_SCRIPT, filter_bar, page
from migrator.report.labels import summary_label, summary_value, title_text

GANTT_MAX_ROWS = 3000
"""Rows drawn in a Gantt (Excel, HTML); the task table always holds every task."""
FILL_BAR, FILL_CRITICAL, FILL_DONE, FILL_FREEZE, FILL_LATE = "9BC2E6", "FF7C80", "A9D08E", "D9D9D9", "FFC000"

HEAD = {
    "ja": ["ウェーブ", "タスクID", "団体コード", "業務", "システム名", "工程", "担当", "ベンダー", "チェックポイント",
           "日数", "開始日", "終了日", "最早開始日", "最遅開始日", "余裕日数", "クリティカル", "期限", "遅延日数", "要因", "状況",
           "実績開始日", "実績終了日", "基準開始日", "基準終了日"],
    "en": ["wave", "task", "municipality", "area", "system", "phase", "owner", "vendor", "checkpoint", "days",
           "start", "finish", "early start", "late start", "float", "critical", "deadline", "late days", "binding", "status",
           "actual start", "actual finish", "baseline start", "baseline finish"],
}


class MovedTask(TypedDict):
    """One task whose dates differ between two plans."""

    task: str
    a_start: dt.date | None
    a_finish: dt.date | None
    b_start: dt.date | None
    b_finish: dt.date | None
    shift_days: int


class PlanComparison(TypedDict):
    """What :func:`compare` returns: the summary of both plans, the moved tasks and the tasks only one has."""

    a: dict[str, Any]
    b: dict[str, Any]
    moved: list[MovedTask]
    only_a: list[str]
    only_b: list[str]


def summary_text(plan: Plan, lang: Lang = "ja", *, resources: int = 3) -> str:
    """The plan in a few lines: finish, makespan against the bound, late systems per deadline, binding
    resources (those full on the most days)."""
    return "\n".join(summary_lines(plan, lang, resources=resources)) + "\n"


def summary_lines(plan: Plan, lang: Lang = "ja", *, resources: int = 3) -> list[str]:
    """The lines of :func:`summary_text` (also the headline of the HTML page)."""
    s = plan.summary()
    ja = lang == "ja"
    bound_kind = ("資源" if ja else "resource") if s["bound_days"] > s["lower_bound_days"] else "CPM"
    lines = [
        (f"完了予定: {s['finish']}（{s['start']} から {s['makespan_days']} 営業日）" if ja else
         f"finish: {s['finish']} ({s['makespan_days']} business {plural(s['makespan_days'], 'day', 'days')} from "
         f"{s['start']})"),
        (f"下限: {s['bound_days']} 営業日（{bound_kind}）、差 {s['gap_pct']} %" if ja else
         f"lower bound: {s['bound_days']} business {plural(s['bound_days'], 'day', 'days')} ({bound_kind}), "
         f"gap {s['gap_pct']} %"),
    ]
    if plan.params.get("solver") == "exact":
        proven = bool(plan.params.get("optimal"))
        lines.append(("厳密解法: 最適性を証明" if proven else "厳密解法: 時間内に最適性は未証明") if ja else
                     ("exact solver: optimum proven" if proven else "exact solver: optimum not proven in the time limit"))
    for deadline, row in plan.late_by_deadline().items():
        lines.append(
            f"期限 {deadline}: {row['systems']} システム中 {row['late']} 件が遅延（最大 {row['max_late_days']} 営業日）"
            if ja else f"deadline {deadline}: {row['late']} of {row['systems']} {plural(row['systems'], 'system', 'systems')} "
                       f"late (up to {row['max_late_days']} business {plural(row['max_late_days'], 'day', 'days')})")
    load = sorted(plan.resource_load().items(), key=lambda kv: (-kv[1][0], kv[0]))[:resources]
    for name, (full, busy) in load:
        if full:
            lines.append(f"制約となる資源: {name}（上限 {plan.capacities.get(name, plan.params.get('staff_limit'))}）"
                         f" {busy} 稼働日のうち {full} 日が満杯" if ja else
                         f"binding resource: {name} (capacity {plan.capacities.get(name, plan.params.get('staff_limit'))})"
                         f" full on {full} of its {busy} working days")
    return lines


def ordered(plan: Plan) -> list[ScheduledTask]:
    """Tasks in execution order: start date, then wave, then key."""
    return sorted(plan.tasks, key=lambda t: (t.start_date or dt.date.min, t.wave, t.key))


def task_row(plan: Plan, t: ScheduledTask, lang: Lang = "ja") -> list[object]:
    """One task as the cells of :data:`HEAD` (the owner by its role name in ``lang``; for a critical or late task,
    what holds it: the predecessor, or ``[capacity]``/``[project slot]``/``[cut-over slot]`` with the task that
    held the resource, ``[freeze]``, ``[release]``)."""
    cal = plan.calendar
    area = area_label(t.area_code, t.area_name, lang) if t.area_name else t.area_code
    return [t.wave, t.key, t.municipality_code, area, t.system_name, t.phase_label(lang),
            role_name(t.owner, lang),
            t.vendor or "", "○" if t.checkpoint else "", t.duration, t.start_date, t.finish_date,
            cal.day(max(t.es, 0)), cal.day(max(t.ls, 0)), t.total_float, "★" if t.critical else "", t.deadline,
            t.late_days or "", why_text(plan.params.get("binding", {}).get(t.key, ""), lang), status_name(t.status, lang),
            t.actual_start, t.actual_finish, t.baseline_start, t.baseline_finish]


def to_json(plan: Plan) -> str:
    """The plan as JSON (``migrator.plan/1``): its objects indented, each element of a list on a line of its
    own (a task, an edge), so a national plan is written by the json module's C encoder (an indented dump goes
    through its Python encoder: most of a 130,000-task export) and still reads and diffs line by line."""
    return _json_lines(plan.to_dict(), 0) + "\n"


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # one encoder for every element (C, compact)


def _json_lines(value: object, depth: int) -> str:
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, dict) and value and depth < 3:
        body = ",\n".join(f"{inner}{_ENCODE(str(k))}: {_json_lines(v, depth + 1)}" for k, v in value.items())
        return "{\n" + body + "\n" + pad + "}"
    if isinstance(value, list) and value:
        body = ",\n".join(inner + _ENCODE(v) for v in value)
        return "[\n" + body + "\n" + pad + "]"
    return _ENCODE(value)


_MERMAID_ENTITIES = {"<": "#lt;", ">": "#gt;", "&": "#amp;", '"': "#quot;", "%": "#37;", "`": "#96;"}


def _mermaid_text(text: str) -> str:
    """``text`` as Mermaid shows it and cannot run: separators and line breaks become spaces, and markup
    characters entity codes, so a ``<script>`` in a name is text in every renderer."""
    text = re.sub(r"[:;#\x00-\x1f\x7f\u2028\u2029]", " ", text)
    return re.sub(r"[<>&\"%`]", lambda m: _MERMAID_ENTITIES[m.group()], text)


def to_mermaid(plan: Plan, lang: Lang = "ja") -> str:
    """A Mermaid ``gantt`` with absolute dates, one section per system, critical tasks marked ``crit``."""
    title = "移行計画" if lang == "ja" else "Migration plan"
    out = ["gantt", f"    title {title} {_mermaid_text(plan.scenario)}", "    dateFormat YYYY-MM-DD",
           "    axisFormat %Y-%m"]
    sections: dict[str, list[ScheduledTask]] = defaultdict(list)
    for t in ordered(plan):
        sections[f"{t.municipality_code} {t.system_name}"].append(t)
    index = plan.index()
    for name, tasks in sections.items():
        out.append(f"    section {_mermaid_text(name)}")
        for t in tasks:
            zero = t.duration == 0  # a zero-day phase is a milestone, not a one-day bar
            tags = [x for x in ("done" if t.status == "完了" else "", "crit" if t.critical else "",
                                "milestone" if zero else "") if x]
            start = t.start_date or plan.start
            end = "0d" if zero else ((t.finish_date or start) + ONE_DAY).isoformat()  # Mermaid ends are exclusive
            out.append(f"    {_mermaid_text(t.phase_label(lang))} :{', '.join([*tags, f't{index[t.key]}'])}, "
                       f"{start.isoformat()}, {end}")
    return "\n".join(out) + "\n"


def _first_day(plan: Plan) -> dt.date:
    """The first day to draw: the plan start, or earlier work kept from before a re-plan."""
    return min([plan.start, *(t.start_date for t in plan.tasks if t.start_date)])


def _weeks(plan: Plan) -> list[dt.date]:
    first = _first_day(plan)
    first -= dt.timedelta(days=first.weekday())
    last = plan.finish_date or plan.start
    weeks, d = [], first
    while d <= last:
        weeks.append(d)
        d += dt.timedelta(days=7)
    return weeks


def plan_sheets(plan: Plan, lang: Lang = "ja") -> list[SheetSpec]:
    """The task table, a weekly Gantt (critical path red, freeze windows grey), freeze windows and edges."""
    tasks = ordered(plan)
    rows = [task_row(plan, t, lang) for t in tasks]
    table = SheetSpec(name="タスク" if lang == "ja" else "Tasks", header=HEAD[lang], rows=rows,
                      widths={2: 44, 5: 22, 6: 18}, freeze="C2")
    weeks = _weeks(plan)
    cal = plan.calendar
    g_head = (["システム", "工程", "開始日", "終了日", "CP"] if lang == "ja"
              else ["system", "phase", "start", "finish", "CP"]) + [w.strftime("%y/%m/%d") for w in weeks]
    g_rows: list[list[object]] = []
    fills: dict[tuple[int, int], str] = {}
    frozen_weeks: dict[str, set[int]] = {}
    for r, t in enumerate(tasks[:GANTT_MAX_ROWS], start=2):
        g_row: list[object] = [f"{t.municipality_code} {t.system_name}", t.phase_label(lang), t.start_date, t.finish_date,
                               "★" if t.critical else ""]
        g_rows.append(g_row + [""] * len(weeks))
        if t.area_code not in frozen_weeks:
            frozen_weeks[t.area_code] = {
                (d - weeks[0]).days // 7 for d, _ in cal.frozen_days(t.area_code, weeks[0], weeks[-1] + 6 * ONE_DAY)
            }
        for w in frozen_weeks[t.area_code]:
            fills[(r, 6 + w)] = FILL_FREEZE
        if t.start_date and t.finish_date:
            a = max((t.start_date - weeks[0]).days // 7, 0)
            b = min((t.finish_date - weeks[0]).days // 7, len(weeks) - 1)
            color = (FILL_DONE if t.status == "完了" else FILL_LATE if t.late_days else
                     FILL_CRITICAL if t.critical else FILL_BAR)
            for w in range(a, b + 1):
                fills[(r, 6 + w)] = color
    if len(tasks) > GANTT_MAX_ROWS:
        more = len(tasks) - GANTT_MAX_ROWS
        g_rows.append([f"… ほか {more} 件のタスクはタスクシートにあります" if lang == "ja" else
                       f"… {more} more {plural(more, 'task', 'tasks')} in the task sheet"])
    gantt = SheetSpec(name="ガント" if lang == "ja" else "Gantt", header=g_head, rows=g_rows, fills=fills,
                      widths={1: 26, 2: 18, **{6 + i: 4 for i in range(len(weeks))}}, freeze="F2")
    legend = SheetSpec(
        name="凍結期間" if lang == "ja" else "Freeze windows",
        header=["名称", "業務", "開始(毎年)", "終了(毎年)"] if lang == "ja" else ["name", "areas", "from", "to"],
        rows=[[window_label(w.name, lang), " ".join(w.areas), "{:02d}-{:02d}".format(*w.start),
               "{:02d}-{:02d}".format(*w.end)]
              for w in plan.calendar_settings.freeze_windows]
        + [["年末年始" if lang == "ja" else "year-end holidays", "*",
            "{:02d}-{:02d}".format(*plan.calendar_settings.year_end[0]),
            "{:02d}-{:02d}".format(*plan.calendar_settings.year_end[1])]],
    )
    deps = SheetSpec(name="依存関係" if lang == "ja" else "Dependencies",
                     header=["先行タスク", "後続タスク", "規則"] if lang == "ja" else ["from", "to", "rule"],
                     rows=[[plan.tasks[a].key, plan.tasks[b].key, rule_label(r, lang)] for a, b, r in plan.edges],
                     widths={1: 44, 2: 44})
    return [table, gantt, legend, deps]


def write_xlsx(plan: Plan, path: Path, lang: Lang = "ja") -> Path:
    return write_workbook(path, plan_sheets(plan, lang))


def _svg_gantt(plan: Plan, tasks: list[ScheduledTask], lang: Lang = "ja") -> str:
    if not tasks:
        return ""
    first = _first_day(plan)
    last = max(t.finish_date or first for t in tasks) + ONE_DAY
    span = max((last - first).days, 1)
    label_w, row_h, width = 330, 16, 1100
    scale = width / span
    height = row_h * len(tasks) + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + width + 10}" height="{height}" '
           f'font-size="11" role="img">']
    # Freeze windows of any area and 年末年始, shaded over the whole chart.
    for d, _name in plan.calendar.frozen_days(None, first, last):
        x = label_w + (d - first).days * scale
        out.append(f'<rect x="{x:.1f}" y="20" width="{max(scale, 0.5):.1f}" height="{height - 20}" fill="#eee"/>')
    year = first.year
    while dt.date(year, 1, 1) <= last:
        for month in range(1, 13):
            d = dt.date(year, month, 1)
            if first <= d <= last:
                x = label_w + (d - first).days * scale
                out.append(f'<line x1="{x:.1f}" y1="14" x2="{x:.1f}" y2="{height}" stroke="#ccc"/>')
                if month in (1, 4, 7, 10):
                    out.append(f'<text x="{x + 2:.1f}" y="12">{d:%Y-%m}</text>')
        year += 1
    for i, t in enumerate(tasks):
        y = 22 + i * row_h
        s, f = t.start_date or first, (t.finish_date or first) + ONE_DAY
        color = ("#70ad47" if t.status == "完了" else "#ed7d31" if t.late_days else
                 "#c00000" if t.critical else "#4a78c2")
        label = escape(t.label(lang))
        out.append(f'<text x="0" y="{y + 11}">{label}</text>')
        out.append(f'<rect x="{label_w + (s - first).days * scale:.1f}" y="{y + 2}" '
                   f'width="{max((f - s).days * scale, 1.5):.1f}" height="{row_h - 4}" fill="{color}">'
                   f'<title>{label}: {s} – {f - ONE_DAY}</title></rect>')
    out.append("</svg>")
    return "".join(out)


def _svg_graph(plan: Plan) -> str:
    """The dependency graph between systems, left to right by the wave of each system's cut-over."""
    layer: dict[str, int] = {}
    for t in plan.tasks:
        name = f"{t.municipality_code} {t.system_name}"
        if t.kind == "cutover" or name not in layer:
            layer[name] = t.wave if t.kind == "cutover" else layer.get(name, t.wave)
    edges: set[tuple[str, str]] = set()
    for a, b, _ in plan.edges:
        ta, tb = plan.tasks[a], plan.tasks[b]
        na, nb = f"{ta.municipality_code} {ta.system_name}", f"{tb.municipality_code} {tb.system_name}"
        if na != nb:
            edges.add((na, nb))
    if len(layer) > 400:
        return "<p>(graph omitted: more than 400 systems)</p>"
    ranks = sorted(set(layer.values()))
    col = {r: i for i, r in enumerate(ranks)}
    per_col: dict[int, list[str]] = defaultdict(list)
    for name in sorted(layer):
        per_col[col[layer[name]]].append(name)
    pos: dict[str, tuple[float, float]] = {}
    col_w, row_h = 230, 26
    for c, names in per_col.items():
        for i, name in enumerate(names):
            pos[name] = (10 + c * col_w, 20 + i * row_h)
    height = 40 + row_h * max((len(v) for v in per_col.values()), default=1)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{20 + col_w * len(ranks)}" height="{height}" '
           'font-size="11" role="img"><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" '
           'markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z" fill="#888"/></marker></defs>']
    for src, dst in sorted(edges):
        (x1, y1), (x2, y2) = pos[src], pos[dst]
        out.append(f'<line x1="{x1 + 190}" y1="{y1 + 8}" x2="{x2}" y2="{y2 + 8}" stroke="#999" '
                   'stroke-width="0.8" marker-end="url(#arrow)"/>')
    for name, (x, y) in pos.items():
        out.append(f'<rect x="{x}" y="{y}" width="190" height="17" rx="3" fill="#ddebf7" stroke="#4a78c2"/>'
                   f'<text x="{x + 4}" y="{y + 12}">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)


_PAGE: dict[str, tuple[str, str]] = {
    "on_time": ("すべてのシステムが期限内に切り替わります", "Every system cuts over by its deadline"),
    "late": ("期限に遅れるシステム: {late} / {systems}", "Systems late against their deadlines: {late} of {systems}"),
    "figures": ("数値", "Figures"),
    "late_head": ("期限に遅れるシステム (遅れの大きい順)", "Late systems (most late first)"),
    "why": ("遅れの原因となる連鎖", "The chain that holds it"),
    "gantt": ("ガントチャート", "Gantt chart"),
    "legend": ("赤: クリティカルパス、橙: 期限超過、緑: 完了、灰色の帯: 凍結期間・年末年始",
               "red: critical path, orange: late, green: done, grey bands: freeze windows and year-end holidays"),
    "graph": ("システム間の依存関係", "Dependencies between systems"),
    "tasks": ("タスク一覧 (遅延するシステムのタスクが先、赤の縦線: クリティカル)",
              "Tasks (those of late systems first; red edge: critical)"),
    "more": ("… ほか {n} 件のタスクは Excel 出力にあります", "… {n} more {n:task|tasks} in the Excel output"),
}


def _p(key: str, lang: Lang, **params: object) -> str:
    ja, en = _PAGE[key]
    return escape(fill(ja if lang == "ja" else en, **params))


def _system(t: ScheduledTask) -> tuple[str, str, str]:
    return (t.municipality_code, t.area_code, t.system_name)


def to_html(plan: Plan, lang: Lang = "ja", findings: tuple[Finding, ...] | list[Finding] = ()) -> str:
    """One self-contained page: a headline (finish, makespan against the bound, late systems, binding resources),
    the late systems with the chains that hold them (``findings``: PLN002 of the build, when at hand), the
    figures with human labels, a Gantt that scrolls in its own box, the system graph and the task table (late
    systems first, critical tasks marked, filter and sort inline)."""
    tasks = ordered(plan)
    s = plan.summary()
    title = title_text(f"plan {plan.scenario}", lang)
    late_systems = {_system(t) for t in plan.tasks if t.late_days > 0}
    due_systems = {_system(t) for t in plan.tasks if t.deadline is not None and t.status != "対象外"}
    lines = summary_lines(plan, lang)
    verdict = (_p("late", lang, late=len(late_systems), systems=len(due_systems)) if late_systems
               else _p("on_time", lang))
    body = [f"<h1>{escape(title)}</h1>", '<section class="headline">',
            f'<p class="verdict {"error" if late_systems else "ok"}">{verdict}</p>',
            f'<p class="big">{escape(lines[0])}</p>', *(f"<p>{escape(line)}</p>" for line in lines[1:]), "</section>"]
    late = sorted((t for t in plan.tasks if t.late_days > 0), key=lambda t: (-t.late_days, t.key))
    if late:
        chains: dict[str, list[str]] = defaultdict(list)
        for f in findings:
            if f.code == "PLN002" and f.item:
                chains[f.item].append(f.message(lang))
        body.append(f"<h2>{_p('late_head', lang)}</h2>")
        heads = [HEAD[lang][i] for i in (2, 4, 5, 11, 16, 17)] + ([_p("why", lang)] if chains else [])
        body.append('<div class="scroll"><table class="tasks"><thead><tr>'
                    + "".join(f"<th>{escape(h)}</th>" for h in heads) + "</tr></thead><tbody>")
        for t in late:
            label = f"{t.label(lang)} "
            chain = next((m for m in chains.get(t.system_name, ()) if m.startswith(label)), "")
            why = f'<td class="chain">{escape(chain)}</td>' if chains else ""
            body.append(f'<tr class="late"><td>{escape(t.municipality_code)}</td>'
                        f'<td class="name">{escape(t.system_name)}</td><td>{escape(t.phase_label(lang))}</td>'
                        f"<td>{t.finish_date or ''}</td><td>{t.deadline or ''}</td><td>{t.late_days}</td>{why}</tr>")
        body.append("</tbody></table></div>")
    body.append(f"<details><summary>{_p('figures', lang)}</summary><div class=\"scroll\"><table>")
    body += [f"<tr><th>{escape(summary_label(str(k), lang))}</th><td>{escape(summary_value(v, lang))}</td></tr>"
             for k, v in s.items()]
    body.append("</table></div></details>")
    body.append(f"<h2>{_p('gantt', lang)}</h2><p>{_p('legend', lang)}</p>")
    # The chart keeps its scale and scrolls sideways in its own box instead of being cut at the page edge.
    body.append('<div class="scroll" style="overflow-x:auto;max-width:100%">'
                + _svg_gantt(plan, tasks[:GANTT_MAX_ROWS], lang) + "</div>")
    body.append(f"<h2>{_p('graph', lang)}</h2>")
    body.append('<div class="scroll">' + _svg_graph(plan) + "</div>")
    body.append(f"<h2>{_p('tasks', lang)}</h2>")
    body.append(filter_bar(lang, "task-filter"))
    names = {4, 5}  # system and phase: long Japanese texts wrap at a readable width
    body.append('<div class="scroll"><table class="tasks" id="tasks" data-filter="task-filter"><thead><tr>'
                + "".join(f"<th>{escape(h)}</th>" for h in HEAD[lang]) + "</tr></thead><tbody>")
    shown = sorted(tasks, key=lambda t: _system(t) not in late_systems)[:GANTT_MAX_ROWS]  # stable: order kept
    for t in shown:
        cells = ["" if v is None else str(v) for v in task_row(plan, t, lang)]
        marks = " ".join(m for m, on in (("late", _system(t) in late_systems), ("crit", t.critical)) if on)
        body.append((f'<tr class="{marks}">' if marks else "<tr>") + "".join(f'<td class="name">{escape(c)}</td>' if i in names else f"<td>{escape(c)}</td>"
                            for i, c in enumerate(cells)) + "</tr>")
    body.append("</tbody></table></div>")
    if len(tasks) > GANTT_MAX_ROWS:
        body.append(f"<p>{_p('more', lang, n=len(tasks) - GANTT_MAX_ROWS)}</p>")
    body.append(f"<script>{FILTER_SCRIPT}</script>")
    return page(title, "\n".join(body), lang=lang)


def write_plan(plan: Plan, path: Path, fmt: str, lang: Lang = "ja",
               findings: tuple[Finding, ...] | list[Finding] = ()) -> Path:
    """Write ``plan`` as ``fmt`` (xlsx, json, mermaid, html) to ``path``; the HTML page shows the PLN002 chains of
    ``findings`` next to the late systems."""
    if fmt == "xlsx":
        return write_xlsx(plan, path, lang)
    if fmt == "json":
        content = to_json(plan)
    elif fmt == "mermaid":
        content = to_mermaid(plan, lang)
    else:
        content = to_html(plan, lang, findings)
    return write_output_text(path, content)


def compare(a: Plan, b: Plan) -> PlanComparison:
    """What moved between two plans: figures of both, and every task whose dates differ (largest shift first,
    ``shift_days`` in business days)."""
    ib = b.index()
    cal = a.calendar  # shifts in business days, like every other figure of a plan
    moved: list[MovedTask] = []
    for t in a.tasks:
        j = ib.get(t.key)
        if j is None:
            continue
        u = b.tasks[j]
        if (t.start_date, t.finish_date) != (u.start_date, u.finish_date):
            shift = (cal.index(u.finish_date) - cal.index(t.finish_date) if u.finish_date and t.finish_date else 0)
            moved.append({"task": t.key, "a_start": t.start_date, "a_finish": t.finish_date,
                          "b_start": u.start_date, "b_finish": u.finish_date, "shift_days": shift})
    moved.sort(key=lambda m: (-abs(m["shift_days"]), m["task"]))
    keys_a, keys_b = {t.key for t in a.tasks}, set(ib)
    return {"a": a.summary(), "b": b.summary(), "moved": moved, "only_a": sorted(keys_a - keys_b),
            "only_b": sorted(keys_b - keys_a)}
