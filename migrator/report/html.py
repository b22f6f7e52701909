"""A self-contained HTML report: inline CSS and inline SVG, no script, no external URL."""

from __future__ import annotations

from collections import Counter
from html import escape

from migrator.excel import visible
from migrator.i18n import Lang
from migrator.report.excel_out import with_visibility_note
from migrator.report.model import Report
from migrator.report.text import label

CSS = """
body{font-family:"Yu Gothic","Meiryo","Hiragino Sans","Hiragino Kaku Gothic ProN","Noto Sans CJK JP",\
"Noto Sans JP","Source Han Sans JP","IPAexGothic","IPAGothic","TakaoGothic","VL Gothic",sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;margin:.6em 0}th,td{border:1px solid #bbb;padding:.25em .6em;text-align:left;
vertical-align:top}th{background:#ddebf7}.error{color:#b00020;font-weight:bold}.warning{color:#9a6700}
.info{color:#555}.ok{color:#1a7f37;font-weight:bold}.bar{fill:#4a78c2}.barlabel{font-size:12px}
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
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + label_w + 60}" height="{height}" role="img">']
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


def render_html(report: Report, lang: Lang = "en") -> str:
    """Render ``report`` as one HTML page with a summary, a chart of findings per item and the findings."""
    report = with_visibility_note(report, lang)
    out = [f"<h1>{_e(report.title)}</h1>"]
    if report.subject:
        out.append(f"<p>{_e(report.subject)}</p>")
    counts = report.counts_by_severity
    out.append("<table><tr>" + "".join(f"<th>{_e(label(s, lang))}</th>" for s in counts) + "</tr><tr>"
               + "".join(f'<td class="{s}">{n}</td>' for s, n in counts.items()) + "</tr></table>")
    if report.summary:
        out.append("<table>" + "".join(
            f"<tr><th>{_e(str(k))}</th><td>{_e(str(v))}</td></tr>" for k, v in report.summary.items()
        ) + "</table>")
    if not report.findings:
        out.append(f'<p class="ok">{_e(label("ok", lang))}</p>')
        return page(report.title, "\n".join(out), lang=lang)
    per_item: Counter[str] = Counter()
    for f in report.findings:
        per_item[f.item or f.code] += f.count
    out.append("<h2>" + ("項目別の指摘件数" if lang == "ja" else "Findings per item") + "</h2>")
    out.append(bar_chart(dict(per_item.most_common(30))))
    with_sources = any(f.source for f in report.findings)
    heads = ["code", "severity", "location", "message", "count", "value"] + (["source"] if with_sources else [])
    out.append("<table><tr>" + "".join(f"<th>{_e(label(h, lang))}</th>" for h in heads) + "</tr>")
    for f in report.findings:
        source = f"<td>{_e(f.source or '')}</td>" if with_sources else ""
        out.append(
            f"<tr><td>{_e(f.code)}</td><td class=\"{f.severity}\">{_e(label(f.severity, lang))}</td>"
            f"<td>{_e(str(f.location))}</td><td>{_e(f.message(lang))}</td><td>{f.count}</td>"
            f"<td>{_e(f.value or '')}</td>{source}</tr>"
        )
    out.append("</table>")
    return page(report.title, "\n".join(out), lang=lang)
