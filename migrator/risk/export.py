"""The register as a table, an Excel workbook and an HTML page; a register diff as text."""

from __future__ import annotations

import csv
import io
import re
from html import escape
from pathlib import Path

from migrator.excel.writer import SheetSpec, write_workbook
from migrator.i18n import Lang, join_list, role_name
from migrator.i18n import t as say
from migrator.inventory.areas import area_label
from migrator.limits import replace_output, write_output_text
from migrator.planning.export import plan_sheets
from migrator.planning.export import to_html as plan_html
from migrator.planning.model import Plan, ScheduledTask
from migrator.report.html import page
from migrator.report.text import label
from migrator.risk.model import Register, RegisterDiff

_HEADER = {
    "ja": ["コード", "重要度", "団体", "業務", "システム", "懸念点", "内容", "根拠", "担当", "対応期限"],
    "en": ["code", "severity", "municipality", "area", "system", "concern", "message", "evidence", "owner", "due"],
}
_READY = {
    "ja": ["団体", "業務", "システム", "実行", "マッピング", "実行日", "件数", "移行不可", "移行不可率", "未対応外字",
           "照合", "指摘"],
    "en": ["municipality", "area", "system", "run", "mapping", "run date", "rows in", "rejected", "reject share",
           "unmapped 外字", "reconciliation", "findings"],
}
_FILLS = {"error": "F8CBAD", "warning": "FFE699", "info": "DDEBF7"}


def concern_header(lang: Lang = "en") -> list[str]:
    return list(_HEADER[lang])


def concern_rows(register: Register, lang: Lang = "en") -> list[list[object]]:
    """One row per concern, in the register's order."""
    return [[c.code, label(c.severity, lang), f"{c.municipality_code} {c.municipality_name}".strip(),
             area_label(c.area_code, c.area_name, lang),
             c.system_name, c.title(lang), c.message(lang), "\n".join(e.text(lang) for e in c.evidence),
             f"{c.owner} ({role_name(c.owner_role, lang)})", c.due_text(lang)] for c in register.concerns]


def readiness_rows(register: Register, lang: Lang = "en") -> list[list[object]]:
    """One row per system: its last linked run's figures, the reconciliation's outcome said and the findings
    listed as ``lang`` says and lists them."""
    return [[r.municipality_code, r.area_code, r.system_name, r.run_id, r.mapping_id, r.run_date, r.rows_in,
             r.rows_rejected, f"{r.reject_share:.1%}" if r.reject_share is not None else "-", r.gaiji_unmapped,
             say(f"recon_{r.reconciliation}", lang) if r.reconciliation in ("ok", "gaps") else r.reconciliation,
             join_list((f"{k}×{v}" for k, v in sorted(r.counts.items())), lang)]
            for r in register.readiness]


_FORMULA_LEAD = re.compile(r"^[=+\-@\t\r＝＋－＠]")


def to_csv(register: Register, lang: Lang = "en") -> str:
    """The concerns as CSV, the columns of the Excel export's concerns sheet: text beginning like a formula
    (``=``, ``+``, ``-``, ``@``) gets a leading apostrophe, so a spreadsheet opening the file shows it, never
    runs it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(concern_header(lang))
    for row in concern_rows(register, lang):
        writer.writerow([f"'{v}" if isinstance(v, str) and _FORMULA_LEAD.match(v) else v for v in row])
    return out.getvalue()


def write_csv(register: Register, path: Path, lang: Lang = "en") -> Path:
    """Write :func:`to_csv` to ``path`` as UTF-8 with a byte-order mark (Excel then reads it as UTF-8), as
    bytes: its CRLF line ends stay as they are on every system (a text-mode write on Windows doubles them)."""
    data = ("\ufeff" + to_csv(register, lang)).encode("utf-8")
    return replace_output(path, lambda part: part.write_bytes(data))


def register_sheets(register: Register, lang: Lang = "ja") -> list[SheetSpec]:
    """The 懸念点 sheet (one row per concern, coloured by severity) and the data readiness sheet."""
    rows = concern_rows(register, lang)
    fills = {(r, 2): _FILLS[c.severity] for r, c in enumerate(register.concerns, start=2)}
    return [
        SheetSpec(name="懸念点" if lang == "ja" else "Concerns", header=concern_header(lang), rows=rows, fills=fills,
                  widths={5: 24, 6: 28, 7: 60, 8: 60, 9: 24, 10: 24}),
        SheetSpec(name="データ準備状況" if lang == "ja" else "Data readiness", header=_READY[lang],
                  rows=readiness_rows(register, lang), widths={3: 24, 5: 24, 12: 40}),
    ]


def write_xlsx(register: Register, path: Path, lang: Lang = "ja") -> Path:
    return write_workbook(path, register_sheets(register, lang))


def _table(header: list[str], rows: list[list[object]], classes: list[str] | None = None) -> str:
    def cell(v: object) -> str:
        return escape("" if v is None else str(v)).replace("\n", "<br>")

    body = "".join(
        f'<tr class="{classes[i] if classes else ""}">' + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>"
        for i, row in enumerate(rows))
    return "<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in header) + "</tr>" + body + "</table>"


def severity_counts(register: Register, lang: Lang = "ja") -> str:
    """The register's concerns per severity, as ``lang`` names severities and joins lists."""
    return join_list((f"{label(k, lang)} {v}" for k, v in register.counts().items()), lang)


def register_section(register: Register, lang: Lang = "ja") -> str:
    """The 懸念点 section as an HTML fragment (for the register page and for other pages)."""
    title = "懸念点一覧" if lang == "ja" else "Risk register"
    counts = severity_counts(register, lang)
    out = [f"<h2>{escape(title)}</h2>", f"<p>{escape(counts)}</p>"]
    out.append(_table(concern_header(lang), concern_rows(register, lang), [c.severity for c in register.concerns]))
    out.append(f"<h2>{'データ準備状況' if lang == 'ja' else 'Data readiness'}</h2>")
    out.append(_table(_READY[lang], readiness_rows(register, lang)))
    return "\n".join(out)


def to_html(register: Register, lang: Lang = "ja") -> str:
    head = "懸念点一覧" if lang == "ja" else "Risk register"
    as_of, plan = ("基準日", "計画") if lang == "ja" else ("as of", "plan")
    sub = f"{register.municipality or ''} {as_of} {register.as_of} {plan} {register.scenario or '-'}".strip()
    return page(head, f"<h1>{escape(head)}</h1><p>{escape(sub)}</p>\n" + register_section(register, lang), lang=lang)


def write_html(register: Register, path: Path, lang: Lang = "ja") -> Path:
    return write_output_text(path, to_html(register, lang))


def diff_lines(change: RegisterDiff, lang: Lang = "en") -> list[str]:
    """The diff as lines: ``- resolved``, ``+ new``, ``! worse``."""
    lines = [f"- {c.code} {label(c.severity, lang)} {c.system_name}: {c.message(lang)}" for c in change.resolved]
    lines += [f"+ {c.code} {label(c.severity, lang)} {c.system_name}: {c.message(lang)}" for c in change.new]
    lines += [f"! {w.after.code} {label(w.before.severity, lang)}→{label(w.after.severity, lang)} "
              f"{w.after.system_name}: "
              f"{w.before.measure}→{w.after.measure} {w.after.message(lang)}" for w in change.worse]
    word = ("解消 {r} 件、新規 {n} 件、悪化 {w} 件、変化なし {u} 件" if lang == "ja"
            else "resolved {r}, new {n}, worse {w}, unchanged {u}")
    lines.append(word.format(r=len(change.resolved), n=len(change.new), w=len(change.worse), u=change.unchanged))
    return lines


# --- the register inside the plan's outputs ---------------------------------------------------------------
# Kept apart from migrator.planning.export: the plan's own outputs stay as they are, these add the 懸念点
# sheet/section and mark (⚠) the tasks of systems with open concerns wherever the plan names them.
MARK = "⚠ "


def _concerned_tasks(plan: Plan, register: Register) -> list[ScheduledTask]:
    systems = register.systems_with_concerns()
    return [t for t in plan.tasks if (t.municipality_code, t.area_code, t.system_name) in systems]


def plan_sheets_with_register(plan: Plan, register: Register, lang: Lang = "ja") -> list[SheetSpec]:
    """The plan's sheets with the tasks of concerned systems marked, then the 懸念点 and readiness sheets."""
    tasks = _concerned_tasks(plan, register)
    labels = {t.key for t in tasks} | {f"{t.municipality_code} {t.system_name}" for t in tasks}
    sheets = plan_sheets(plan, lang)
    for sheet in sheets:
        sheet.rows = [[MARK + v if isinstance(v, str) and v in labels else v for v in row] for row in sheet.rows]
    return [*sheets, *register_sheets(register, lang)]


def plan_html_with_register(plan: Plan, register: Register, lang: Lang = "ja") -> str:
    """The plan's page with the Gantt rows of concerned systems marked and the 懸念点 section at the end."""
    html = plan_html(plan, lang)
    for t in _concerned_tasks(plan, register):
        label = escape(t.label(lang))
        html = html.replace(f">{label}</text>", f">{MARK}{label}</text>")
    note = ("⚠: 懸念点のあるシステム" if lang == "ja" else "⚠: systems with open concerns")
    return html.replace("\n</body>", f"\n<p>{escape(note)}</p>\n{register_section(register, lang)}\n</body>", 1)


def write_plan_with_register(plan: Plan, register: Register, path: Path, fmt: str, lang: Lang = "ja") -> Path:
    """Write the plan with its register as ``xlsx`` or ``html``."""
    if fmt == "xlsx":
        return write_workbook(path, plan_sheets_with_register(plan, register, lang))
    return write_output_text(path, plan_html_with_register(plan, register, lang))
