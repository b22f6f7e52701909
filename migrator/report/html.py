"""A self-contained HTML report: inline CSS and inline SVG, no script, no external URL."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from html import escape

from migrator.excel import visible
from migrator.i18n import Lang, fill, join_list
from migrator.location import Location
from migrator.report.excel_out import with_visibility_note
from migrator.report.finding import Finding
from migrator.report.labels import part_label, summary_label, summary_value, title_text
from migrator.report.model import Report
from migrator.report.text import label

CSS = """
body{font-family:"Yu Gothic","Meiryo","Hiragino Sans","Hiragino Kaku Gothic ProN","Noto Sans CJK JP",\
"Noto Sans JP","Source Han Sans JP","IPAexGothic","IPAGothic","TakaoGothic","VL Gothic",sans-serif;margin:2em auto;
max-width:1200px;padding:0 1em;color:#222;line-height:1.5}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;margin:.6em 0}th,td{border:1px solid #bbb;padding:.25em .6em;text-align:left;
vertical-align:top}th{background:#ddebf7}.error{color:#b00020;font-weight:bold}.warning{color:#9a6700}
.info{color:#555}.ok{color:#1a7f37;font-weight:bold}.bar{fill:#4a78c2}.barlabel{font-size:12px}
.scroll{max-width:100%;overflow-x:auto}td{overflow-wrap:anywhere;white-space:pre-line}
.headline{border:2px solid #bbb;border-radius:6px;padding:.4em 1em;margin:1em 0}.verdict{font-size:1.3em}
.big{font-size:1.15em;font-weight:bold}.examples{font-size:.85em;color:#444}th[data-dir]{background:#c5d9f1}
table[data-filter] th{cursor:pointer}td.nw,th.nw{white-space:nowrap}
table.tasks td{overflow-wrap:normal;white-space:nowrap}table.tasks td.name{white-space:normal;min-width:11em}
table.tasks th{white-space:nowrap}tr.late td{background:#fff2cc}tr.crit td:first-child{border-left:4px solid #c00000}
table.tasks td.chain{font-size:.9em;white-space:normal;min-width:24em}
@media print{.noprint{display:none}body{margin:0;max-width:none}.scroll{overflow:visible}a{color:inherit}
tr.late td{background:none}svg{max-width:100%;height:auto}}
"""


def _e(text: str) -> str:
    """HTML-escaped ``text`` with control characters made visible (see ``migrator.excel.visible``)."""
    return escape(visible(text))


def bar_chart(counts: dict[str, int], *, width: int = 520) -> str:
    """An inline SVG horizontal bar chart of ``counts`` (label → value)."""
    if not counts:
        return ""
    top = max(counts.values()) or 1
    row_h, label_w = 22, 200
    height = row_h * len(counts) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + label_w + 60}" height="{height}" role="img">'
    ]
    for i, (name, value) in enumerate(counts.items()):
        y = 5 + i * row_h
        w = max(int(width * value / top), 1)
        parts.append(f'<text class="barlabel" x="0" y="{y + 15}">{_e(name)}</text>')
        parts.append(f'<rect class="bar" x="{label_w}" y="{y}" width="{w}" height="{row_h - 6}"/>')
        parts.append(f'<text class="barlabel" x="{label_w + w + 4}" y="{y + 15}">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def page(title: str, body: str, *, lang: Lang = "en") -> str:
    """Wrap ``body`` in a complete, self-contained HTML document."""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>\n{body}\n</body></html>\n"
    )


FILTER_SCRIPT = """
(function(){Array.prototype.forEach.call(document.querySelectorAll('table[data-filter]'),function(t){
var q=document.getElementById(t.dataset.filter),s=t.dataset.select?document.getElementById(t.dataset.select):null,
rows=Array.prototype.slice.call(t.tBodies[0].rows);
function apply(){var x=q.value.toLowerCase(),v=s?s.value:'';rows.forEach(function(r){
r.style.display=(r.textContent.toLowerCase().indexOf(x)>=0&&(!v||r.dataset.sev===v))?'':'none';});}
q.addEventListener('input',apply);if(s)s.addEventListener('change',apply);
Array.prototype.forEach.call(t.tHead.rows[0].cells,function(th,i){th.addEventListener('click',function(){
var d=th.dataset.dir==='asc'?'desc':'asc';th.dataset.dir=d;rows.sort(function(a,b){
var x=a.cells[i].dataset.key||a.cells[i].textContent,y=b.cells[i].dataset.key||b.cells[i].textContent;
var n=parseFloat(x)-parseFloat(y);var c=isNaN(n)?x.localeCompare(y):n;return d==='asc'?c:-c;});
rows.forEach(function(r){t.tBodies[0].appendChild(r);});});});});})();
"""
"""Filter and sort for every ``<table data-filter="input id" [data-select="select id"]>`` of a page: inline, no
external script. A select filters rows by their ``data-sev``; a cell's ``data-key`` sorts it (numbers as numbers)."""


def filter_bar(lang: Lang, input_id: str, select: str = "") -> str:
    """The filter box (and an optional ``select`` element) above a table that :data:`FILTER_SCRIPT` serves."""
    return (
        f'<p class="noprint"><label>{_e(ui("filter", lang))} <input id="{input_id}" type="search"></label> '
        f"{select} {_e(ui('sort_hint', lang))}</p>"
    )


_UI: dict[str, tuple[str, str]] = {
    "valid": ("合格: 移行を止めるエラーはありません", "Valid: no error stops the migration"),
    "invalid": ("不合格: エラーがあります", "Not valid: there are errors"),
    "not_migrated": ("移行できなかった行: {n} / {total}", "Rows that could not be migrated: {n} of {total}"),
    "counts": (
        "エラー {error} 件、警告 {warning} 件、情報 {info} 件",
        "{error} {error:error|errors}, {warning} {warning:warning|warnings}, {info} info",
    ),
    "top_items": ("指摘の多い項目: {items}", "Items with the most findings: {items}"),
    "per_item": ("項目別の指摘件数", "Findings per item"),
    "figures": ("数値", "Figures"),
    "technical": (
        "技術的な詳細 (チェックサム、文字コード、処理時間)",
        "Technical details (checksums, encodings, timings)",
    ),
    "findings": ("指摘一覧", "Findings"),
    "filter": ("絞り込み", "Filter"),
    "all": ("すべて", "all"),
    "item": ("項目", "item"),
    "examples": ("例 (マスク済み)", "examples (masked)"),
    "sort_hint": ("見出しをクリックすると並べ替えます。", "Click a heading to sort."),
    "table_head": ("表 {name}", "Table {name}"),
    "table_rows": (
        "読み込み {rows_in} 行、移行 {rows_out} 行、移行できず {rows_rejected} 行",
        "{rows_in} {rows_in:row|rows} in, {rows_out} written, {rows_rejected} rejected",
    ),
    "no_findings": ("この表に指摘はありません", "No findings on this table"),
    "other_findings": ("表をまたぐ指摘・その他", "Findings across tables and others"),
    "findings_col": ("指摘", "findings"),
}


def ui(key: str, lang: Lang, **params: object) -> str:
    """A text of the HTML pages in ``lang``."""
    ja, en = _UI[key]
    return fill(ja if lang == "ja" else en, **params)


# Summary figures for the engineer rather than the reader of the headline: shown folded.
TECHNICAL = frozenset({"input_checksums", "encodings", "timings_s", "stages_s", "profile", "ids"})
# Shown as sections of their own rather than as figures.
SECTIONS = frozenset({"per_table"})


def _figures(figures: dict[str, object], lang: Lang) -> str:
    return (
        '<div class="scroll"><table class="figures">'
        + "".join(
            f"<tr><th>{_e(summary_label(str(k), lang))}</th><td>{_e(summary_value(v, lang))}</td></tr>"
            for k, v in figures.items()
        )
        + "</table></div>"
    )


def _by_item(findings: list[Finding], lang: Lang) -> str:
    """``findings`` grouped by item: per item the count and each code with its severity, count and message."""
    groups: dict[str, list[Finding]] = {}
    order = {"error": 0, "warning": 1, "info": 2}
    for f in sorted(findings, key=lambda f: (order[f.severity], f.code)):
        groups.setdefault(f.item or f.code, []).append(f)
    rows = sorted(groups.items(), key=lambda kv: (-sum(f.count for f in kv[1]), kv[0]))
    out = [
        f'<div class="scroll"><table><thead><tr><th class="nw">{_e(ui("item", lang))}</th>'
        f'<th class="nw">{_e(label("count", lang))}</th><th>{_e(ui("findings_col", lang))}</th></tr></thead><tbody>'
    ]
    for item, fs in rows:
        lines = "<br>".join(
            f'<span class="{f.severity}">{_e(f.code)} {_e(label(f.severity, lang))}</span> '
            f"({f.count:,}) {_e(f.message(lang))}"
            for f in fs
        )
        out.append(
            f'<tr><td class="nw">{_e(item)}</td><td class="nw">{sum(f.count for f in fs):,}</td>'
            f"<td>{lines}</td></tr>"
        )
    out.append("</tbody></table></div>")
    return "".join(out)


def _same_file(a: str | None, b: str) -> bool:
    if not a:
        return False
    a, b = a.replace("\\", "/"), b.replace("\\", "/")
    return a == b or a.rsplit("/", 1)[-1] == b.rsplit("/", 1)[-1]


def table_sections(report: Report, lang: Lang) -> str:
    """One section per table of a run of several tables (``summary["per_table"]``): rows in / written /
    rejected, the output files and the table's findings grouped by item; then the findings of no single table."""
    tables = report.summary.get("per_table")
    if not isinstance(tables, list) or len(tables) < 2:
        return ""
    rest = list(report.findings)
    out = []
    for row in tables:
        extract = str(row.get("extract", ""))
        mine = [f for f in rest if _same_file(f.location.file, extract)]
        rest = [f for f in rest if not _same_file(f.location.file, extract)]
        figures = {k: row.get(k) for k in ("extract", "output", "rejects") if row.get(k)}
        counts = {k: f"{row.get(k, 0):,}" for k in ("rows_in", "rows_out", "rows_rejected")}
        out.append(f'<section class="table"><h2>{_e(ui("table_head", lang, name=row.get("table", "")))}</h2>')
        out.append(f'<p class="big">{_e(ui("table_rows", lang, **counts))}</p>')
        out.append(_figures({k: part_label(str(v), lang) for k, v in figures.items()}, lang))
        out.append(_by_item(mine, lang) if mine else f'<p class="ok">{_e(ui("no_findings", lang))}</p>')
        out.append("</section>")
    if rest:
        out.append(f"<h2>{_e(ui('other_findings', lang))}</h2>{_by_item(rest, lang)}")
    return "\n".join(out)


def _short_location(location: Location, lang: Lang) -> str:
    """The place with the file by its name only (the page names the files in full at the top)."""
    if location.file:
        location = replace(location, file=location.file.replace("\\", "/").rsplit("/", 1)[-1])
    return location.text(lang)


def headline(report: Report, lang: Lang) -> str:
    """The lines a reader takes in first: valid or not, rows not migrated, the counts and the top items."""
    counts = report.counts_by_severity
    lines = [
        f'<p class="verdict {"ok" if report.valid else "error"}">'
        f"{_e(ui('valid' if report.valid else 'invalid', lang))}</p>"
    ]
    if "rows_rejected" in report.summary and "rows_in" in report.summary:
        rejected, total = report.summary["rows_rejected"], report.summary["rows_in"]
        text = ui("not_migrated", lang, n=f"{rejected:,}", total=f"{total:,}")
        lines.append(f'<p class="big">{_e(text)}</p>')
    lines.append(f"<p>{_e(ui('counts', lang, **counts))}</p>")
    per_item: Counter[str] = Counter()
    for f in report.findings:
        if f.item and f.severity != "info":
            per_item[f.item] += f.count
    if per_item:
        top = join_list((f"{item} ({n:,})" for item, n in per_item.most_common(3)), lang)
        lines.append(f"<p>{_e(ui('top_items', lang, items=top))}</p>")
    return '<section class="headline">' + "".join(lines) + "</section>"


def render_html(report: Report, lang: Lang = "en") -> str:
    """Render ``report`` as one HTML page: a headline, the figures with human labels, a chart of findings per
    item and the findings table (filter and sort inline, no external script)."""
    report = with_visibility_note(report, lang)
    heading = title_text(report.title, lang)
    out = [f"<h1>{_e(heading)}</h1>"]
    if report.subject:
        out.append(f'<p class="subject">{_e(report.subject)}</p>')
    out.append(headline(report, lang))
    if report.summary:
        plain = {k: v for k, v in report.summary.items() if str(k) not in TECHNICAL | SECTIONS}
        technical = {k: v for k, v in report.summary.items() if str(k) in TECHNICAL}
        if plain:
            out.append(f"<h2>{_e(ui('figures', lang))}</h2>")
            out.append(_figures(plain, lang))
        if technical:
            out.append(
                f"<details><summary>{_e(ui('technical', lang))}</summary>{_figures(technical, lang)}</details>"
            )
    sections = table_sections(report, lang)
    if sections:
        out.append(sections)
    if not report.findings:
        out.append(f'<p class="ok">{_e(label("ok", lang))}</p>')
        return page(heading, "\n".join(out), lang=lang)
    per_item: Counter[str] = Counter()
    for f in report.findings:
        per_item[f.item or f.code] += f.count
    out.append(f"<h2>{_e(ui('per_item', lang))}</h2>")
    out.append('<div class="scroll">' + bar_chart(dict(per_item.most_common(30))) + "</div>")
    out.append(f"<h2>{_e(ui('findings', lang))}</h2>")
    options = "".join(
        f'<option value="{s}">{_e(label(s, lang))}</option>' for s in ("error", "warning", "info")
    )
    out.append(
        filter_bar(
            lang,
            "filter",
            f'<select id="sev"><option value="">{_e(ui("all", lang))}</option>{options}</select>',
        )
    )
    with_sources = any(f.source for f in report.findings)
    heads = [
        label("code", lang),
        label("severity", lang),
        ui("item", lang),
        label("location", lang),
        label("message", lang),
        label("count", lang),
        label("value", lang),
    ]
    heads += [label("source", lang)] if with_sources else []
    heads += [ui("examples", lang)]
    out.append(
        '<div class="scroll"><table id="findings" data-filter="filter" data-select="sev"><thead><tr>'
        + "".join(f"<th>{_e(h)}</th>" for h in heads)
        + "</tr></thead><tbody>"
    )
    order = {"error": 0, "warning": 1, "info": 2}
    for f in sorted(report.findings, key=lambda f: (f.item or "\uffff", order[f.severity], f.code)):
        source = f"<td>{_e(f.source or '')}</td>" if with_sources else ""
        examples = "<br>".join(
            _e(f"{_short_location(e.location, lang)}: {e.value or ''}") for e in f.examples[:3]
        )
        out.append(
            f'<tr data-sev="{f.severity}"><td class="nw">{_e(f.code)}</td>'
            f'<td class="{f.severity} nw" data-key="{order[f.severity]}">{_e(label(f.severity, lang))}</td>'
            f"<td>{_e(f.item or '')}</td><td>{_e(_short_location(f.location, lang))}</td>"
            f"<td>{_e(f.message(lang))}</td>"
            f'<td class="nw" data-key="{f.count}">{f.count:,}</td><td>{_e(f.value or "")}</td>{source}'
            f'<td class="examples">{examples}</td></tr>'
        )
    out.append("</tbody></table></div>")
    out.append(f"<script>{FILTER_SCRIPT}</script>")
    return page(heading, "\n".join(out), lang=lang)
