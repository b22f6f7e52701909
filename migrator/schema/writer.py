"""Writing a schema back to the YAML file format, readable: one item per line, codes always quoted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from migrator.limits import write_output_text
from migrator.schema.model import FORMAT, Condition, FileLayout, Item, Rule, Schema, Table


def _scalar(value: Any) -> str:
    """A YAML scalar that reads back as the same value (``'01'`` stays a string, 神 stays 神)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = yaml.safe_dump([value], default_flow_style=True, allow_unicode=True, width=10**9).strip()
    text = text[1:-1]
    if text and text[0] not in "'\"" and (text[0].isdigit() or text.lower() in {"yes", "no", "on", "off"}):
        text = f"'{text}'"
    return text


def _quoted(value: str) -> str:
    """A string scalar always in quotes (codes, versions), so YAML never reads it as a number."""
    text = _scalar(value)
    return text if text[:1] in "'\"" else f"'{text}'"


def _flow(pairs: list[tuple[str, Any]]) -> str:
    parts = []
    for key, value in pairs:
        if isinstance(value, list | tuple):
            inner = ", ".join(_scalar(v) for v in value)
            parts.append(f"{key}: [{inner}]")
        else:
            parts.append(f"{key}: {value if isinstance(value, _Raw) else _scalar(value)}")
    return "{" + ", ".join(parts) + "}"


class _Raw(str):
    """Already-rendered YAML text."""


def item_pairs(item: Item) -> list[tuple[str, Any]]:
    """The declared attributes of ``item`` in file order, defaults left out."""
    pairs: list[tuple[str, Any]] = [("name", item.name)]
    if item.id is not None:
        pairs.append(("id", _Raw(_quoted(item.id))))
    if item.column is not None:
        pairs.append(("column", item.column))
    pairs.append(("type", item.type))
    for key in ("start", "length", "max_length", "scale"):
        if getattr(item, key) is not None:
            pairs.append((key, getattr(item, key)))
    if item.required:
        pairs.append(("required", True))
    if item.charset:
        pairs.append(("charset", item.charset))
    if item.code_tables:
        pairs.append(("code_table", item.code_tables[0] if len(item.code_tables) == 1 else list(item.code_tables)))
    if item.pattern:
        pairs.append(("pattern", item.pattern))
    if item.checks:
        pairs.append(("checks", list(item.checks)))
    if item.new_number_checks:
        pairs.append(("checks_new_numbers", list(item.new_number_checks)))
    if item.references:
        pairs.append(("references", str(item.references)))
    if item.sensitive:
        pairs.append(("sensitive", True))
    if item.applies_to:
        pairs.append(("applies_to", item.applies_to[0] if len(item.applies_to) == 1 else list(item.applies_to)))
    for key in ("unknown_flag", "unknown_text", "format"):
        if getattr(item, key):
            pairs.append((key, getattr(item, key)))
    if item.dates:
        pairs.append(("dates", item.dates))
    if item.dates_when is not None:
        pairs.append(("dates_when", _Raw(_condition(item.dates_when))))
    if item.basis:
        pairs.append(("basis", _Raw(_flow([(k, _Raw(_quoted(v))) for k, v in item.basis]))))
    if item.description:
        pairs.append(("description", item.description))
    return pairs


def _condition(cond: Condition) -> str:
    if cond.values:
        return "{item: " + _scalar(cond.item) + ", in: [" + ", ".join(_quoted(v) for v in cond.values) + "]}"
    return "{item: " + _scalar(cond.item) + ", present: true}"


def _rule(rule: Rule) -> str:
    pairs: list[tuple[str, Any]] = [("kind", rule.kind)]
    for key in ("item", "earlier", "later"):
        if getattr(rule, key):
            pairs.append((key, getattr(rule, key)))
    for key in ("when", "then"):
        cond = getattr(rule, key)
        if cond is not None:
            pairs.append((key, _Raw(_condition(cond))))
    if rule.both_ways:
        pairs.append(("both_ways", True))
    if rule.description:
        pairs.append(("description", rule.description))
    if rule.basis:
        pairs.append(("basis", _Raw(_quoted(rule.basis))))
    return _flow(pairs)


def _layout(layout: FileLayout) -> str:
    pairs: list[tuple[str, Any]] = [("format", layout.format), ("encoding", layout.encoding)]
    if layout.format == "csv":
        pairs += [("header", layout.header), ("delimiter", layout.delimiter)]
    if layout.record_length:
        pairs.append(("record_length", layout.record_length))
    return _flow(pairs)


def _table(table: Table) -> list[str]:
    lines = [f"  - name: {_scalar(table.name)}"]
    if table.description:
        lines.append(f"    description: {_scalar(table.description)}")
    if table.file is not None:
        lines.append(f"    file: {_layout(table.file)}")
    if table.key:
        lines.append("    key: [" + ", ".join(_scalar(k) for k in table.key) + "]")
    lines.append("    items:")
    lines += [f"      - {_flow(item_pairs(item))}" for item in table.items]
    if table.rules:
        lines.append("    rules:")
        lines += [f"      - {_rule(rule)}" for rule in table.rules]
    return lines


def dump_schema(schema: Schema, *, header: str | None = None) -> str:
    """Render ``schema`` as schema-file YAML (repeated items are written out one by one)."""
    lines = [f"# {line}" if line else "#" for line in (header or "").splitlines()]
    lines += [f"format: {FORMAT}", f"id: {_scalar(schema.id)}", f"kind: {schema.kind}"]
    if schema.business_area:
        lines.append(f"business_area: {_quoted(schema.business_area)}")
    lines += [f"title: {_scalar(schema.title)}", f"version: {_quoted(schema.version)}"]
    if schema.description:
        lines.append(f"description: {_scalar(schema.description)}")
    lines += ["provenance:", f"  source: {_scalar(schema.provenance.source)}",
              f"  verified: {_scalar(schema.provenance.verified)}"]
    if schema.provenance.note:
        lines.append(f"  note: {_scalar(schema.provenance.note)}")
    lines.append("tables:")
    for table in schema.tables:
        lines += _table(table)
    if schema.profiles:
        lines.append("profiles:")
        for name, profile in schema.profiles.items():
            lines.append(f"  {_scalar(name)}:")
            if profile.description:
                lines.append(f"    description: {_scalar(profile.description)}")
            if profile.required:
                lines.append("    required: [" + ", ".join(_scalar(r) for r in profile.required) + "]")
            if profile.checks:
                lines.append("    checks:")
                lines += [f"      {_scalar(target)}: [" + ", ".join(_scalar(c) for c in checks) + "]"
                          for target, checks in profile.checks]
    if schema.code_tables:
        lines.append("code_tables:")
        for name, ct in schema.code_tables.items():
            lines.append(f"  {_scalar(name)}:")
            if ct.description:
                lines.append(f"    description: {_scalar(ct.description)}")
            lines.append("    values:" if ct.values else "    values: {}")
            lines += [f"      {_quoted(code)}: {_scalar(label)}" for code, label in ct.values]
    return "\n".join(lines) + "\n"


def write_schema(schema: Schema, path: Path, *, header: str | None = None) -> Path:
    """Write ``schema`` to ``path`` as YAML and return the path."""
    return write_output_text(path, dump_schema(schema, header=header))
