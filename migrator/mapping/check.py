"""The static check of a mapping: coverage, legacy items, transforms, types, lengths and code tables."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from migrator import jp
from migrator.i18n import plural
from migrator.jp.encoding import resolve_encoding
from migrator.location import Location
from migrator.mapping.compiled import Resolved, load_mapping, plan_rows, resolve, standard_code_values
from migrator.mapping.compiler import RowPlan
from migrator.mapping.model import ItemRow, Mapping, gaiji_policy
from migrator.mapping.transforms import CODE_PARTS, code_part
from migrator.report import Finding, Report, make_finding
from migrator.schema import Item, SchemaRegistry, Table


def check_mapping(mapping: Mapping, *, registry: SchemaRegistry | None = None) -> Report:
    """Check ``mapping`` against its standard and legacy schemas; every finding names ``sheet!cell``."""
    resolved = resolve(mapping, registry)
    findings: list[Finding] = list(resolved.findings)
    if mapping.encoding:
        try:
            resolve_encoding(mapping.encoding)
        except ValueError:
            findings.append(make_finding("MAP014", mapping.setting_place("文字コード"), encoding=mapping.encoding))
    plans, gaiji_findings = plan_rows(mapping, resolved)
    findings += gaiji_findings
    for plan in plans:
        findings += plan.findings
    standard, legacy = resolved.standard, resolved.legacy
    seen: dict[str, Location] = {}
    for row in mapping.items:
        loc = row.place("standard")
        if row.standard in seen:
            first = seen[row.standard]
            findings.append(make_finding("MAP202", loc, item=row.standard,
                                         first=f"{first.sheet}!{first.cell}" if first.sheet else str(first)))
            continue
        seen[row.standard] = loc
        if standard is not None and not standard.has_item(row.standard):
            from migrator.mapping.compiler import _hint

            hint, hint_ja = _hint(row.standard, standard.item_names)
            findings.append(make_finding("MAP203", loc, item=row.standard, table=standard.name, hint=hint,
                                         hint_ja=hint_ja))
            continue
        if row.excluded and not row.note:
            findings.append(make_finding("MAP205", row.place("note"), item=row.standard))
        if standard is not None and standard.item(row.standard).required:
            # What the run would do, said at the cell: a required item with nothing to fill it rejects every row.
            if row.excluded:
                findings.append(make_finding("MAP042", row.place("legacy"), item=row.standard))
            elif not _has_source(row):
                findings.append(make_finding("MAP201", row.place("legacy"), item=row.standard))
            elif standard.item(row.standard).type != "flag":  # a constant flag is a statement (never 不詳)
                constant = _placeholder(row)
                if constant is not None:
                    findings.append(make_finding("MAP043", row.place("default" if row.default else "transform"),
                                                 item=row.standard, value=constant))
        if row.default and standard is not None:
            findings += _default_findings(row.standard, row.default, row.place("default"), standard,
                                          standard_code_values(resolved.standard_schema, standard))
    if standard is not None:
        header = mapping.sheet_cells.get("項目対応") or Location(file=str(mapping.path) if mapping.path else None)
        unlisted: list[str] = []
        for item in standard.items:
            if item.name in seen:
                continue
            if item.required:
                findings.append(make_finding("MAP201", header, item=item.name))
            else:
                unlisted.append(item.name)
        if unlisted:  # one note for them all: a mapping of a few items leaves most of a standard table empty
            shown = tuple(unlisted[:10]) + (("…",) if len(unlisted) > 10 else ())
            findings.append(make_finding("MAP209", header, number=len(unlisted), items=shown))
    findings += _code_findings(mapping, resolved, plans)
    findings += _recon_key_findings(mapping, resolved)
    policy = mapping.settings.get("外字方針")
    if gaiji_policy(policy) is None:
        findings.append(make_finding("MAP041", mapping.setting_place("外字方針"), value=policy))
    elif gaiji_policy(policy) == "残す":
        findings.append(make_finding("MAP040", mapping.setting_place("外字方針")))
    if mapping.legacy_schema is None:
        findings.append(make_finding("MAP208", mapping.setting_place("現行スキーマ")))
    if legacy is not None:
        used = {c for plan in plans for c in plan.columns}
        for item in legacy.items:
            if item.name not in used:
                findings.append(make_finding("MAP206", resolved.place(mapping, "現行テーブル"), item=item.name))
    subject = str(mapping.path) if mapping.path else mapping.id
    return Report.of("mapping check", findings, subject=subject,
                     summary={"mapping": mapping.id, "items": len(mapping.items), "code_entries": len(mapping.codes)})


def _has_source(row: ItemRow) -> bool:
    """A legacy item, a default, or a pipe that starts with a source transform (const, concat …)."""
    if row.legacy or row.default:
        return True
    if not row.transform:
        return False
    from migrator.mapping.language import TransformSyntaxError, parse_pipe
    from migrator.mapping.transforms import lookup

    try:
        first = lookup(parse_pipe(row.transform).steps[0].name)
    except TransformSyntaxError:
        return True  # reported as MAP101
    return first is None or first.is_source or (first.name == "split" and len(parse_pipe(row.transform).steps[0].args) == 3)


def _recon_key_findings(mapping: Mapping, resolved: Resolved) -> list[Finding]:
    """照合キー (``legacy item=standard item``, or one name for both) must name items that exist: otherwise
    ``--reconcile`` would have no key to compare and would say nothing."""
    text = (mapping.settings.get("照合キー") or "").strip()
    if not text:
        return []
    legacy_name, _, standard_name = (p.strip() for p in text.partition("="))
    standard_name = standard_name or legacy_name
    out = []
    loc = mapping.setting_place("照合キー")
    if resolved.legacy is not None and not resolved.legacy.has_item(legacy_name):
        out.append(make_finding("MAP044", loc, item=legacy_name, side="legacy", side_ja="現行",
                                table=resolved.legacy.name))
    if resolved.standard is not None and not resolved.standard.has_item(standard_name):
        out.append(make_finding("MAP044", loc, item=standard_name, side="standard", side_ja="標準",
                                table=resolved.standard.name))
    return out


def _placeholder(row: ItemRow) -> str | None:
    """The one value a row gives every record (a default with no source, or a lone ``const``), else None."""
    if row.legacy:
        return None
    if not row.transform:
        return row.default
    from migrator.mapping.language import TransformSyntaxError, parse_pipe

    try:
        steps = parse_pipe(row.transform).steps
    except TransformSyntaxError:
        return None
    if len(steps) == 1 and steps[0].name == "const" and len(steps[0].args) == 1:
        return steps[0].args[0].value
    return None


def _default_findings(name: str, value: str, loc: Location, standard: Table, codes: dict[str, tuple[str, ...]]
                      ) -> list[Finding]:
    import re

    item = standard.item(name)
    reason = reason_ja = None
    if name in codes and value not in codes[name]:
        reason, reason_ja = f"is not a code of {item.code_table}", f"コード表 {item.code_table} にないコードです"
    elif item.type == "date" and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        reason, reason_ja = "is not a YYYY-MM-DD date", "YYYY-MM-DD 形式の日付ではありません"
    elif item.type == "integer" and not re.fullmatch(r"-?[0-9]+", value):
        reason, reason_ja = "is not a number", "数値ではありません"
    elif item.type == "flag" and value not in ("0", "1"):  # as the run checks a flag (pandera_schema)
        reason, reason_ja = "is not a flag (0 or 1)", "フラグ (0 または 1) ではありません"
    elif item.type == "decimal" and not re.fullmatch(
            rf"-?[0-9]+(\.[0-9]{{0,{item.scale}}})?" if item.scale is not None else r"-?[0-9]+(\.[0-9]*)?", value):
        reason = "is not a decimal number" + (f" with at most {item.scale} "
                                              f"{plural(item.scale, 'digit', 'digits')} after the point"
                                              if item.scale is not None else "")
        reason_ja = "小数ではありません" + (f" (小数点以下 {item.scale} 桁まで)" if item.scale is not None else "")
    elif item.size is not None and len(value) > item.size:
        reason = f"is longer than {item.size} {plural(item.size, 'character', 'characters')}"
        reason_ja = f"{item.size} 文字を超えています"
    elif item.length is not None and item.type in ("string", "code") and len(value) != item.length:
        reason = f"is not {item.length} {plural(item.length, 'character', 'characters')} long"
        reason_ja = f"{item.length} 文字ではありません"
    else:
        reason, reason_ja = _item_rule_reason(item, value)
    if reason is None:
        return []
    return [make_finding("MAP307", loc, item=name, value=value, reason=reason, reason_ja=reason_ja)]


def _item_rule_reason(item: Item, value: str) -> tuple[str | None, str | None]:
    """Why the run would reject ``value`` in ``item`` by its character class, pattern or named check, if so.

    A default fills every row whose source is empty: one the standard item refuses rejects all of them.
    """

    charset = item.charset
    if charset not in (None, "any", "mj"):  # the MJ class needs the user's MJ table: the run checks it
        try:
            outside = jp.offending_chars(value, charset)
        except ValueError:
            outside = []
        if outside:
            return (f"has characters outside the character class {charset} ({''.join(dict.fromkeys(outside))})",
                    f"文字種 {charset} にない文字を含みます ({''.join(dict.fromkeys(outside))})")
    if item.pattern:
        # Matched as the run matches it, by polars' regular expressions: linear in the value, whereas Python's
        # backtracking took exponential time on a pattern such as (0*)*1 (the check never ended).
        try:
            matches = bool(pl.Series([value]).str.contains(f"^(?:{item.pattern})$")[0])
        except pl.exceptions.PolarsError:
            matches = True  # a pattern polars cannot read is the run's to report
        if not matches:
            return f"does not match the pattern {item.pattern}", f"パターン {item.pattern} に合いません"
    for name in item.checks:
        rule = jp.NAMED_CHECK_EXPRS.get(name)  # the very expression the run checks the item with
        if rule is not None and not pl.select(rule(pl.lit(value, dtype=pl.String))).item():
            return f"fails the check {name}", f"検査 {name} に合格しません"
    return None, None


def _code_findings(mapping: Mapping, resolved: Resolved, plans: list[RowPlan]) -> list[Finding]:
    findings: list[Finding] = []
    used: set[str] = set()
    std_codes = standard_code_values(resolved.standard_schema, resolved.standard)
    legacy_schema, legacy = resolved.legacy_schema, resolved.legacy
    checked_targets: set[tuple[str, str]] = set()
    highest_part: dict[str, int] = {}
    for plan in plans:
        for table, fed in plan.code_uses:
            used.add(table)
            if table not in mapping.code_table_names:
                continue
            conv = mapping.code_table(table)
            loc = plan.row.place("transform")
            part = plan.code_parts.get(table)
            highest_part[table] = max(highest_part.get(table, 0), part or 1)
            several = next((e for e in mapping.codes if e.table == table and CODE_PARTS in (e.standard or "")), None)
            if part is None and several is not None:
                findings.append(make_finding("MAP030", loc, table=table, item=plan.row.standard,
                                             legacy=several.legacy, value=several.standard))
            if fed and legacy is not None and legacy_schema is not None and legacy.has_item(fed):
                item = legacy.item(fed)
                declared = [c for name in item.code_tables if name in legacy_schema.code_tables
                            for c in legacy_schema.code_tables[name].codes]
                missing = [c for c in declared if c not in conv]
                if missing:
                    findings.append(make_finding("MAP304", loc, table=table, item=fed, missing=tuple(missing),
                                                 n=len(missing)))
            allowed = std_codes.get(plan.row.standard)
            # std_codes is empty when there is no standard table; the check narrows it for the type checker.
            if (allowed is not None and resolved.standard is not None
                    and (table, plan.row.standard) not in checked_targets):
                checked_targets.add((table, plan.row.standard))
                target = resolved.standard.item(plan.row.standard)
                for entry in mapping.codes:
                    value = code_part(entry.standard, part) if entry.standard else ""
                    if entry.table == table and value and value not in allowed:
                        findings.append(make_finding("MAP305", entry.place("standard"), table=table,
                                                     value=value, standard="/".join(target.code_tables)))
    for entry in mapping.codes:  # values no item takes would be lost (a 続柄 of 5 generations is 縁故者, 1.1.11)
        count = len((entry.standard or "").split(CODE_PARTS))
        if entry.table in highest_part and count > highest_part[entry.table]:
            findings.append(make_finding("MAP031", entry.place("standard"), table=entry.table, legacy=entry.legacy,
                                         value=entry.standard, values=count, used=highest_part[entry.table]))
    first_cell: dict[str, Location] = {}
    for entry in mapping.codes:
        first_cell.setdefault(entry.table, entry.place("table"))
    for table in mapping.code_table_names:
        if table not in used:
            findings.append(make_finding("MAP306", first_cell[table], table=table))
    return findings


def check_workbook(path: Path, *, registry: SchemaRegistry | None = None) -> Report:
    """Load and check a mapping file; reading findings come first. Raises InputError if unreadable."""
    mapping, findings = load_mapping(path)
    if mapping is None:
        return Report.of("mapping check", findings, subject=str(path))
    report = check_mapping(mapping, registry=registry)
    return Report.of("mapping check", [*findings, *report.findings], subject=str(path), summary=report.summary)
