"""Loading schema files strictly, with findings that name the file and line.

The YAML is composed into nodes (``yaml.compose``) rather than loaded into Python values, for two
reasons: every node keeps its line, and scalars keep their raw text, so a code such as ``01`` stays
``"01"`` instead of becoming the integer 1.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from migrator.errors import InputError
from migrator.i18n import shorten
from migrator.jp.encoding import resolve_encoding
from migrator.limits import check_input_file, compose_yaml, read_text_file, regex_reason, yaml_reason
from migrator.location import Location
from migrator.report import Finding, make_finding
from migrator.schema.model import (
    APPLIES_TO,
    CHARSETS,
    DATE_RULES,
    FILE_FORMATS,
    FORMAT,
    ITEM_TYPES,
    KINDS,
    NAMED_CHECKS,
    RULE_KINDS,
    STANDARD_PROFILE,
    CodeTable,
    Condition,
    FileLayout,
    Item,
    Profile,
    Provenance,
    Reference,
    Rule,
    Schema,
    Table,
)

FILE_KEYS = ("format", "id", "kind", "business_area", "title", "version", "description", "provenance",
             "tables", "code_tables", "profiles")
PROFILE_KEYS = ("description", "required", "checks")
PROVENANCE_KEYS = ("source", "verified", "note")
CODE_TABLE_KEYS = ("description", "values")
TABLE_KEYS = ("name", "description", "key", "items", "rules", "file")
FILE_LAYOUT_KEYS = ("format", "encoding", "header", "delimiter", "record_length")
ITEM_KEYS = ("name", "id", "column", "type", "length", "max_length", "scale", "required", "charset", "code_table",
             "pattern", "checks", "references", "sensitive", "applies_to", "unknown_flag", "unknown_text",
             "format", "start", "description", "repeat", "dates", "dates_when", "checks_new_numbers", "basis")
BASIS_KEYS = ("required", "dates", "checks_new_numbers", "checks", "code_table", "length", "max_length")
REPEAT_KEYS = ("count", "required")
RULE_KEYS = ("kind", "item", "when", "then", "earlier", "later", "both_ways", "description", "basis")
CONDITION_KEYS = ("item", "in", "present")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
AREA_RE = re.compile(r"^[0-9]{3}$")
REF_RE = re.compile(r"^(?:(?P<schema>[a-z0-9][a-z0-9_-]*):)?(?P<table>[^.:]+)\.(?P<item>.+)$")
_TRUE = {"true", "yes"}
_FALSE = {"false", "no"}


class _Ctx:
    """Collects findings for one file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.findings: list[Finding] = []

    def loc(self, node: Node | int | None) -> Location:
        line = node if isinstance(node, int) or node is None else node.start_mark.line + 1
        return Location(file=str(self.path), line=line)

    def add(self, code: str, node: Node | int | None, **params: Any) -> None:
        """Add finding ``code``; a ``key`` given without ``key_ja`` is a YAML key, the same in both languages."""
        if "key" in params:
            params.setdefault("key_ja", params["key"])
        self.findings.append(make_finding(code, self.loc(node), **params))

    @property
    def failed(self) -> bool:
        return any(f.severity == "error" for f in self.findings)


def _line(node: Node) -> int:
    return node.start_mark.line + 1


# A place in a schema file as findings name it: (English, Japanese).
_Where = tuple[str, str]


def _key(where: _Where) -> dict[str, str]:
    return {"key": where[0], "key_ja": where[1]}


def _mapping(ctx: _Ctx, node: Node, allowed: Sequence[str], where: _Where,
             required: Sequence[str] = ()) -> dict[str, Node] | None:
    """Return a mapping node's entries by key, reporting unknown, duplicate and missing keys."""
    if not isinstance(node, MappingNode):
        ctx.add("SCH004", node, **_key(where), reason="expected a mapping (key: value)",
                reason_ja="「キー: 値」の形 (マッピング) で書いてください")
        return None
    out: dict[str, Node] = {}
    for knode, vnode in node.value:
        key = str(knode.value) if isinstance(knode, ScalarNode) else repr(knode.value)
        if key in out:
            ctx.add("SCH021", knode, key=key, where=where[0], where_ja=where[1], first=_line(out[key]))
            continue
        if key not in allowed:
            ctx.add("SCH002", knode, key=key, where=where[0], where_ja=where[1], allowed=tuple(allowed))
            continue
        out[key] = vnode
    for key in required:
        if key not in out:
            ctx.add("SCH003", node, key=key, where=where[0], where_ja=where[1])
    return out


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag.endswith(":null") and node.style is None


def _text(ctx: _Ctx, node: Node | None, key: str) -> str | None:
    if node is None or _is_null(node):
        return None
    if not isinstance(node, ScalarNode):
        ctx.add("SCH004", node, key=key, reason="expected a single value",
                reason_ja="値を一つだけ書いてください (一覧やマッピングは書けません)")
        return None
    return str(node.value)


def _int(ctx: _Ctx, node: Node | None, key: str, *, minimum: int = 0) -> int | None:
    raw = _text(ctx, node, key)
    if raw is None:
        return None
    try:
        value = int(raw.strip())
    except ValueError:
        ctx.add("SCH004", node, key=key, reason=f"expected a whole number, found {shorten(raw)!r}",
                reason_ja=f"整数を書いてください ({shorten(raw)!r} は整数ではありません)")
        return None
    if value < minimum:
        ctx.add("SCH004", node, key=key, reason=f"must be at least {minimum}, found {value}",
                reason_ja=f"{minimum} 以上にしてください ({value} です)")
        return None
    return value


def _bool(ctx: _Ctx, node: Node | None, key: str, default: bool = False) -> bool:
    raw = _text(ctx, node, key)
    if raw is None:
        return default
    folded = raw.strip().lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    ctx.add("SCH004", node, key=key, reason=f"expected true or false, found {shorten(raw)!r}",
            reason_ja=f"true か false を書いてください ({shorten(raw)!r} です)")
    return default


def _texts(ctx: _Ctx, node: Node | None, key: str) -> list[tuple[str, Node]]:
    """A single value or a list of values, each with its node (for line numbers)."""
    if node is None or _is_null(node):
        return []
    if isinstance(node, SequenceNode):
        out = []
        for sub in node.value:
            text = _text(ctx, sub, key)
            if text is not None:
                out.append((text, sub))
        return out
    text = _text(ctx, node, key)
    return [(text, node)] if text is not None else []


def _seq(ctx: _Ctx, node: Node | None, key: str) -> list[Node]:
    if node is None or _is_null(node):
        return []
    if not isinstance(node, SequenceNode):
        ctx.add("SCH004", node, key=key, reason="expected a list", reason_ja="一覧 (リスト) で書いてください")
        return []
    return list(node.value)


def load_schema(path: Path | str) -> tuple[Schema | None, list[Finding]]:
    """Load one schema file; return the schema (None when it has errors) and the findings.

    Raises:
        InputError: the file cannot be read at all (missing, not UTF-8).
    """
    path = Path(path)
    return parse_schema(read_text_file(path), path)


_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_schema(text: str, path: Path | str) -> tuple[Schema | None, list[Finding]]:
    """Parse schema YAML ``text`` (from ``path``, used in locations); see :func:`load_schema`."""
    ctx = _Ctx(Path(path))
    try:
        try:  # libyaml when present (several times faster); its nodes carry the same lines
            root = compose_yaml(text, path, _FAST_LOADER)
        except yaml.YAMLError:  # the pure-Python loader's message and mark, as always reported
            root = compose_yaml(text, path, yaml.SafeLoader)
    except yaml.YAMLError as exc:
        why = yaml_reason(exc, text)
        ctx.add("SCH001", why["line"], reason=why["reason"], reason_ja=why["reason_ja"])
        return None, ctx.findings
    if root is None:
        ctx.add("SCH003", 1, key="format", where="file", where_ja="ファイル")
        return None, ctx.findings
    schema = _schema(ctx, root)
    if schema is not None:
        _check_semantics(ctx, schema)
    if ctx.failed:
        return None, ctx.findings
    return schema, ctx.findings


def _schema(ctx: _Ctx, root: Node) -> Schema | None:
    top = _mapping(ctx, root, FILE_KEYS, ("file", "ファイル"),
                   required=("format", "id", "kind", "title", "version", "provenance", "tables"))
    if top is None:
        return None
    fmt = _text(ctx, top.get("format"), "format")
    if fmt is not None and fmt != FORMAT:
        ctx.add("SCH013", top["format"], found=fmt, expected=FORMAT)
        return None
    sid = _text(ctx, top.get("id"), "id") or ""
    if sid and not ID_RE.match(sid):
        ctx.add("SCH004", top["id"], key="id", reason="use lower-case letters, digits, '-' and '_' only",
                reason_ja="英小文字、数字、'-'、'_' だけを使ってください")
    kind = _text(ctx, top.get("kind"), "kind") or ""
    if kind and kind not in KINDS:
        ctx.add("SCH031", top["kind"], kind=kind, allowed=tuple(KINDS))
    area = _text(ctx, top.get("business_area"), "business_area")
    if area is not None and (not AREA_RE.match(area) or not 1 <= int(area) <= 37):
        ctx.add("SCH014", top["business_area"], area=area)
    if kind == "standard" and area is None and "business_area" not in top:
        ctx.add("SCH003", root, key="business_area", where="file (kind: standard)", where_ja="ファイル (kind: standard)")
    provenance = Provenance(source="")
    if "provenance" in top:
        prov = _mapping(ctx, top["provenance"], PROVENANCE_KEYS, ("provenance", "provenance"), required=("source", "verified"))
        if prov is not None:
            provenance = Provenance(
                source=_text(ctx, prov.get("source"), "source") or "",
                verified=_bool(ctx, prov.get("verified"), "verified"),
                note=_text(ctx, prov.get("note"), "note"),
            )
    code_tables = _code_tables(ctx, top.get("code_tables"))
    profiles = _profiles(ctx, top.get("profiles"))
    tables: list[Table] = []
    seen_tables: dict[str, int] = {}
    for tnode in _seq(ctx, top.get("tables"), "tables"):
        table = _table(ctx, tnode)
        if table is None:
            continue
        if table.name in seen_tables:
            ctx.add("SCH015", tnode, table=table.name, first=seen_tables[table.name])
            continue
        seen_tables[table.name] = _line(tnode)
        tables.append(table)
    if "tables" in top and not tables and not ctx.failed:
        ctx.add("SCH004", top["tables"], key="tables", reason="declare at least one table",
                reason_ja="テーブルを一つ以上宣言してください")
    return Schema(
        id=sid,
        kind=kind,
        title=_text(ctx, top.get("title"), "title") or "",
        version=_text(ctx, top.get("version"), "version") or "",
        provenance=provenance,
        tables=tuple(tables),
        code_tables=code_tables,
        business_area=area,
        description=_text(ctx, top.get("description"), "description"),
        path=ctx.path,
        profiles=profiles,
    )


def _profiles(ctx: _Ctx, node: Node | None) -> dict[str, Profile]:
    """``profiles: {NAME: {description, required: [TABLE.ITEM], checks: {TABLE.ITEM: [check]}}}``."""
    if node is None or _is_null(node):
        return {}
    body = _mapping(ctx, node, _AnyKey(), ("profiles", "profiles"))
    out: dict[str, Profile] = {}
    for name, pnode in (body or {}).items():
        if name == STANDARD_PROFILE:
            ctx.add("SCH004", pnode, key=f"profiles.{name}", reason="the standard profile is built in; choose another name",
                    reason_ja="standard プロファイルは組み込みです。別の名前にしてください")
            continue
        pbody = _mapping(ctx, pnode, PROFILE_KEYS, (f"profile {name}", f"プロファイル {name}")) or {}
        checks: list[tuple[str, tuple[str, ...]]] = []
        if pbody.get("checks") is not None:
            for target, cnode in (_mapping(ctx, pbody["checks"], _AnyKey(),
                                               (f"profile {name}: checks", f"プロファイル {name} の checks")) or {}).items():
                names = []
                for check, knode in _texts(ctx, cnode, "checks"):
                    if check not in NAMED_CHECKS:
                        ctx.add("SCH007", knode, item=target, check=check, allowed=tuple(NAMED_CHECKS))
                    names.append(check)
                checks.append((target, tuple(names)))
        out[name] = Profile(name=name, description=_text(ctx, pbody.get("description"), "description"),
                            required=tuple(t for t, _ in _texts(ctx, pbody.get("required"), "required")),
                            checks=tuple(checks), line=_line(pnode))
    return out


def _code_tables(ctx: _Ctx, node: Node | None) -> dict[str, CodeTable]:
    out: dict[str, CodeTable] = {}
    if node is None or _is_null(node):
        return out
    entries = _mapping(ctx, node, _AnyKey(), ("code_tables", "code_tables"))
    for name, cnode in (entries or {}).items():
        body = _mapping(ctx, cnode, CODE_TABLE_KEYS, (f"code table {name}", f"コード表 {name}"), required=("values",))
        if body is None:
            continue
        values: list[tuple[str, str]] = []
        vnode = body.get("values")
        if vnode is not None:
            codes = _mapping(ctx, vnode, _AnyKey(), (f"code table {name}: values", f"コード表 {name} の values")) or {}
            for code, lnode in codes.items():
                values.append((code, _text(ctx, lnode, f"code {code}") or ""))
            if not values:
                ctx.add("SCH028", vnode, table=name)
        out[name] = CodeTable(name=name, values=tuple(values), description=_text(ctx, body.get("description"),
                              "description"), line=_line(cnode))
    return out


class _AnyKey(tuple[str, ...]):
    """An 'allowed keys' set that accepts any key (code tables, code values)."""

    def __new__(cls) -> _AnyKey:
        return super().__new__(cls, ())

    def __contains__(self, key: object) -> bool:
        return True


def _file_layout(ctx: _Ctx, node: Node) -> FileLayout | None:
    body = _mapping(ctx, node, FILE_LAYOUT_KEYS, ("table file", "テーブルの file"), required=("format",))
    if body is None:
        return None
    fmt = _text(ctx, body.get("format"), "format") or "csv"
    if fmt not in FILE_FORMATS:
        ctx.add("SCH004", body["format"], key="file.format", reason=f"use one of {', '.join(FILE_FORMATS)}",
                reason_ja=f"{'、'.join(FILE_FORMATS)} のいずれかにしてください")
    encoding = _text(ctx, body.get("encoding"), "encoding") or "utf-8"
    try:
        resolve_encoding(encoding)
    except ValueError:
        ctx.add("SCH004", body["encoding"], key="file.encoding",
                reason=f"unsupported encoding {shorten(encoding)!r}: use utf-8, utf-8-sig or cp932 (Shift_JIS)",
                reason_ja=f"文字コード {shorten(encoding)!r} には対応していません。utf-8、utf-8-sig、cp932 (Shift_JIS) の"
                          "いずれかにしてください")
    return FileLayout(
        format=fmt,
        encoding=encoding,
        header=_bool(ctx, body.get("header"), "header", default=fmt == "csv"),
        delimiter=_text(ctx, body.get("delimiter"), "delimiter") or ",",
        record_length=_int(ctx, body.get("record_length"), "record_length", minimum=1),
    )


def _table(ctx: _Ctx, node: Node) -> Table | None:
    body = _mapping(ctx, node, TABLE_KEYS, ("table", "テーブル"), required=("name", "items"))
    if body is None:
        return None
    name = _text(ctx, body.get("name"), "name")
    if not name:
        return None
    where = (f"table {name}", f"テーブル {name}")
    items: list[Item] = []
    first_line: dict[str, int] = {}
    for inode in _seq(ctx, body.get("items"), "items"):
        for item in _items(ctx, inode, where):
            if item.name in first_line:
                ctx.add("SCH009", item.line, item=item.name, table=name, first=first_line[item.name])
                continue
            first_line[item.name] = item.line or 0
            items.append(item)
    names = {i.name for i in items}
    key = []
    for kname, knode in _texts(ctx, body.get("key"), "key"):
        if kname not in names:
            ctx.add("SCH010", knode, item=kname, table=name)
        key.append(kname)
    rules = [r for rnode in _seq(ctx, body.get("rules"), "rules") if (r := _rule(ctx, rnode, where))]
    return Table(
        name=name,
        items=tuple(items),
        key=tuple(key),
        rules=tuple(rules),
        description=_text(ctx, body.get("description"), "description"),
        file=_file_layout(ctx, body["file"]) if "file" in body else None,
        line=_line(node),
    )


def _items(ctx: _Ctx, node: Node, where: _Where) -> list[Item]:
    """One declared item, expanded to ``count`` items when it has ``repeat``."""
    body = _mapping(ctx, node, ITEM_KEYS, (f"{where[0]} item", f"{where[1]} の項目"), required=("name", "type"))
    if body is None:
        return []
    name = _text(ctx, body.get("name"), "name")
    if not name:
        return []
    at = (f"{where[0]}, item {name}", f"{where[1]} の項目 {name}")
    itype = _text(ctx, body.get("type"), "type") or ""
    if itype and itype not in ITEM_TYPES:
        ctx.add("SCH005", body["type"], item=name, type=itype, allowed=tuple(ITEM_TYPES))
    charset = _text(ctx, body.get("charset"), "charset")
    if charset is not None and charset not in CHARSETS:
        ctx.add("SCH006", body["charset"], item=name, charset=charset, allowed=tuple(CHARSETS))
    checks = []
    for check, cnode in _texts(ctx, body.get("checks"), "checks"):
        if check not in NAMED_CHECKS:
            ctx.add("SCH007", cnode, item=name, check=check, allowed=tuple(NAMED_CHECKS))
        checks.append(check)
    pattern = _text(ctx, body.get("pattern"), "pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
        except (re.error, OverflowError, RecursionError) as exc:
            ctx.add("SCH016", body["pattern"], item=name, **regex_reason(exc))
    applies = []
    for who, wnode in _texts(ctx, body.get("applies_to"), "applies_to"):
        if who not in APPLIES_TO:
            ctx.add("SCH027", wnode, item=name, value_text=who, allowed=tuple(APPLIES_TO))
        applies.append(who)
    reference = None
    ref_text = _text(ctx, body.get("references"), "references")
    if ref_text is not None:
        m = REF_RE.match(ref_text)
        if m is None:
            ctx.add("SCH004", body["references"], key=f"{at[0]}: references", key_ja=f"{at[1]} の references",
                    reason="write TABLE.ITEM or SCHEMA_ID:TABLE.ITEM",
                    reason_ja="テーブル名.項目名 か スキーマID:テーブル名.項目名 の形で書いてください")
        else:
            reference = Reference(table=m["table"], item=m["item"], schema=m["schema"])
    dates = _text(ctx, body.get("dates"), "dates")
    if dates is not None and (dates not in DATE_RULES or itype not in ("date", "")):
        ctx.add("SCH050", body["dates"], item=name, value_text=dates, allowed=tuple(DATE_RULES))
    new_checks = []
    for check, cnode in _texts(ctx, body.get("checks_new_numbers"), "checks_new_numbers"):
        if check not in NAMED_CHECKS:
            ctx.add("SCH007", cnode, item=name, check=check, allowed=tuple(NAMED_CHECKS))
        new_checks.append(check)
    basis: list[tuple[str, str]] = []
    if body.get("basis") is not None:
        for prop, bnode in (_mapping(ctx, body["basis"], BASIS_KEYS, (f"{at[0]}: basis", f"{at[1]} の basis")) or {}).items():
            basis.append((prop, _text(ctx, bnode, f"basis.{prop}") or ""))
    length = _int(ctx, body.get("length"), "length", minimum=1)
    max_length = _int(ctx, body.get("max_length"), "max_length", minimum=1)
    if length is not None and max_length is not None:
        ctx.add("SCH004", body["max_length"], key=f"{at[0]}: max_length", key_ja=f"{at[1]} の max_length",
                reason="declare length or max_length, not both",
                reason_ja="length と max_length はどちらか一方だけにしてください")
    base = Item(
        name=name,
        type=itype,
        id=_text(ctx, body.get("id"), "id"),
        column=_text(ctx, body.get("column"), "column"),
        length=length,
        max_length=max_length,
        scale=_int(ctx, body.get("scale"), "scale"),
        required=_bool(ctx, body.get("required"), "required"),
        charset=charset,
        code_tables=tuple(t for t, _ in _texts(ctx, body.get("code_table"), "code_table")),
        pattern=pattern,
        checks=tuple(checks),
        references=reference,
        sensitive=_bool(ctx, body.get("sensitive"), "sensitive"),
        applies_to=tuple(applies),
        unknown_flag=_text(ctx, body.get("unknown_flag"), "unknown_flag"),
        unknown_text=_text(ctx, body.get("unknown_text"), "unknown_text"),
        format=_text(ctx, body.get("format"), "format"),
        start=_int(ctx, body.get("start"), "start", minimum=1),
        description=_text(ctx, body.get("description"), "description"),
        dates=dates,
        dates_when=_condition(ctx, body.get("dates_when"), (f"{at[0]}: dates_when", f"{at[1]} の dates_when")),
        new_number_checks=tuple(new_checks),
        basis=tuple(basis),
        line=_line(node),
    )
    if "repeat" not in body:
        return [base]
    rnode = body["repeat"]
    if isinstance(rnode, MappingNode):
        rep = _mapping(ctx, rnode, REPEAT_KEYS, (f"{at[0]}: repeat", f"{at[1]} の repeat"), required=("count",)) or {}
        count = _int(ctx, rep.get("count"), "repeat.count", minimum=1)
        required_count = _int(ctx, rep.get("required"), "repeat.required") if "required" in rep else None
    else:
        count = _int(ctx, rnode, "repeat", minimum=1)
        required_count = None
    if count is None:
        return [base]
    out = []
    for n in range(1, count + 1):
        start = base.start + (n - 1) * base.length if base.start is not None and base.length else base.start
        required = base.required if required_count is None else n <= required_count
        out.append(_replace(base, name=f"{name}{n}", start=start, required=required,
                            id=f"{base.id}-{n}" if base.id else None,
                            column=f"{base.column}{n}" if base.column else None))
    return out


def _replace(item: Item, **changes: Any) -> Item:
    from dataclasses import replace

    return replace(item, **changes)


def _condition(ctx: _Ctx, node: Node | None, where: _Where) -> Condition | None:
    if node is None:
        return None
    body = _mapping(ctx, node, CONDITION_KEYS, where, required=("item",))
    if body is None:
        return None
    item = _text(ctx, body.get("item"), "item") or ""
    values = tuple(v for v, _ in _texts(ctx, body.get("in"), "in"))
    if not values and not _bool(ctx, body.get("present"), "present"):
        ctx.add("SCH004", node, **_key(where), reason="give 'in: [codes]' or 'present: true'",
                reason_ja="'in: [コード]' か 'present: true' を書いてください")
    return Condition(item=item, values=values)


def _rule(ctx: _Ctx, node: Node, where: _Where) -> Rule | None:
    body = _mapping(ctx, node, RULE_KEYS, (f"{where[0]} rule", f"{where[1]} のルール"), required=("kind",))
    if body is None:
        return None
    kind = _text(ctx, body.get("kind"), "kind") or ""
    if kind not in RULE_KINDS:
        ctx.add("SCH017", body.get("kind", node), kind=kind, allowed=tuple(RULE_KINDS))
        return None
    need = {"required_if": ("item", "when"), "empty_if": ("item", "when"), "date_order": ("earlier", "later"),
            "code_consistency": ("when", "then")}[kind]
    for key in need:
        if key not in body:
            ctx.add("SCH003", node, key=key, where=f"{where[0]} rule {kind}", where_ja=f"{where[1]} のルール {kind}")
    if not all(k in body for k in need):
        return None
    return Rule(
        kind=kind,
        item=_text(ctx, body.get("item"), "item"),
        when=_condition(ctx, body.get("when"), (f"{kind}.when", f"{kind}.when")),
        then=_condition(ctx, body.get("then"), (f"{kind}.then", f"{kind}.then")),
        earlier=_text(ctx, body.get("earlier"), "earlier"),
        later=_text(ctx, body.get("later"), "later"),
        both_ways=_bool(ctx, body.get("both_ways"), "both_ways"),
        description=_text(ctx, body.get("description"), "description"),
        basis=_text(ctx, body.get("basis"), "basis"),
        line=_line(node),
    )


def _check_semantics(ctx: _Ctx, schema: Schema) -> None:
    """Checks that need the whole file: code tables, references within the file, rules, companions."""
    tables = {t.name: t for t in schema.tables}
    for table in schema.tables:
        for item in table.items:
            for ct in item.code_tables:
                if ct not in schema.code_tables:
                    ctx.add("SCH008", item.line, item=item.name, table=ct)
                elif item.size is not None:
                    too_long = [c for c in schema.code_tables[ct].codes if len(c) > item.size]
                    if too_long and table.file is None:
                        ctx.add("SCH029", item.line, item=item.name, table=ct, code_value=too_long[0],
                                size=item.size)
            if item.type == "code" and not item.code_tables:
                ctx.add("SCH003", item.line, key="code_table", where=f"item {item.name} (type: code)",
                        where_ja=f"項目 {item.name} (type: code)")
            ref = item.references
            if ref is not None and ref.schema in (None, schema.id):
                _check_reference(ctx, item, ref, tables)
            for companion in (item.unknown_flag, item.unknown_text):
                if companion is not None and not table.has_item(companion):
                    ctx.add("SCH020", item.line, item=item.name, companion=companion, table=table.name)
            if item.dates_when is not None and not table.has_item(item.dates_when.item):
                ctx.add("SCH051", item.line, item=item.name, target=item.dates_when.item, where="dates_when",
                        where_ja="dates_when")
        for rule in table.rules:
            for name in rule.items:
                if not table.has_item(name):
                    ctx.add("SCH018", rule.line, item=name, table=table.name, kind=rule.kind)
            for cond in (rule.when, rule.then):
                if cond is None or not cond.values or not table.has_item(cond.item):
                    continue
                codes = _codes_of(schema, table.item(cond.item))
                unknown = [v for v in cond.values if codes is not None and v not in codes]
                if unknown:
                    ctx.add("SCH026", rule.line, item=cond.item, code_value=unknown[0])
        if table.file is not None and table.file.format == "fixed":
            _check_fixed(ctx, table)
    for profile in schema.profiles.values():
        targets = [*profile.required, *(t for t, _ in profile.checks)]
        for target in targets:
            table_name, _, item_name = target.partition(".")
            if table_name not in tables or not tables[table_name].has_item(item_name):
                ctx.add("SCH051", profile.line, item=profile.name, target=target, where=f"profile {profile.name}",
                        where_ja=f"プロファイル {profile.name}")


def _codes_of(schema: Schema, item: Item) -> set[str] | None:
    if not item.code_tables:
        return None
    codes: set[str] = set()
    for name in item.code_tables:
        if name in schema.code_tables:
            codes.update(schema.code_tables[name].codes)
    return codes


def _check_reference(ctx: _Ctx, item: Item, ref: Reference, tables: dict[str, Table]) -> None:
    target = tables.get(ref.table)
    if target is None:
        ctx.add("SCH011", item.line, item=item.name, target=str(ref))
    elif not target.has_item(ref.item):
        ctx.add("SCH012", item.line, item=item.name, target=str(ref))
    elif ref.item not in target.key:
        ctx.add("SCH019", item.line, item=item.name, target=str(ref))


def _check_fixed(ctx: _Ctx, table: Table) -> None:
    spans: list[tuple[int, int, Item]] = []
    for item in table.items:
        if item.start is None or item.length is None:
            ctx.add("SCH022", item.line, table=table.name,
                    reason=f"item {item.name} needs start and length (bytes) in a fixed-width table",
                    reason_ja=f"固定長のテーブルでは項目 {item.name} に start と length (バイト) が必要です")
            continue
        spans.append((item.start, item.start + item.length - 1, item))
    spans.sort(key=lambda s: s[0])
    for (_s1, e1, a), (s2, _e2, b) in itertools.pairwise(spans):
        if s2 <= e1:
            ctx.add("SCH022", b.line, table=table.name,
                    reason=f"item {b.name} (byte {s2}) overlaps {a.name} (ends at byte {e1})",
                    reason_ja=f"項目 {b.name} ({s2} バイト目から) が {a.name} ({e1} バイト目まで) と重なっています")
    record = table.file.record_length if table.file else None
    if record is not None and spans and spans[-1][1] > record:
        ctx.add("SCH022", spans[-1][2].line, table=table.name,
                reason=f"item {spans[-1][2].name} ends at byte {spans[-1][1]}, beyond record_length {record}",
                reason_ja=f"項目 {spans[-1][2].name} が {spans[-1][1]} バイト目で終わり、record_length {record} を"
                          "超えています")


def load_schemas(paths: Iterable[Path | str], *, resolve: Callable[[str], Schema | None] | None = None,
                 ) -> tuple[list[Schema], list[Finding]]:
    """Load every schema file under ``paths`` (files or folders, ``**/*.yaml``); check cross-file facts.

    Cross-file checks: duplicate schema ids, and references into another schema (``SCHEMA:TABLE.ITEM``)
    whose target table or item is missing. A referenced schema not among ``paths`` is looked up with
    ``resolve`` (schema id → schema) if given; if it is still unknown, that is a warning.
    """
    files = _expand(paths)
    schemas: list[Schema] = []
    findings: list[Finding] = []
    for file in files:
        schema, found = load_schema(file)
        findings += found
        if schema is not None:
            schemas.append(schema)
    by_id: dict[str, Schema] = {}
    for schema in schemas:
        if schema.id in by_id:
            findings.append(make_finding("SCH023", Location(file=str(schema.path), line=1), schema_id=schema.id,
                                         other=str(by_id[schema.id].path)))
            continue
        by_id[schema.id] = schema
    for schema in schemas:
        ctx = _Ctx(schema.path or Path("?"))
        for table in schema.tables:
            for item in table.items:
                ref = item.references
                if ref is None or ref.schema in (None, schema.id):
                    continue
                other = by_id.get(ref.schema or "")
                if other is None and resolve is not None:
                    other = resolve(ref.schema or "")
                if other is None:
                    ctx.add("SCH024", item.line, item=item.name, schema_id=ref.schema)
                else:
                    _check_reference(ctx, item, ref, {t.name: t for t in other.tables})
        findings += ctx.findings
    return schemas, findings


def _expand(paths: Iterable[Path | str]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.suffix in (".yaml", ".yml") and f.is_file())
            if not found:
                # A check that looked at nothing must not pass as a check that found nothing wrong.
                raise InputError.of("CORE116", Location(file=str(p)))
            files += found
        else:
            files.append(check_input_file(p))
    return files
