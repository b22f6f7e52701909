"""The YAML form of a mapping: the same content as the workbook, diff-friendly and byte-stable.

::

    format: migrator.mapping/1
    settings: {マッピングID: ..., 標準スキーマ: ..., ...}
    items:
      - {no: 1, standard: 宛名番号, legacy: [宛名番号], transform: trim | checkdigit(m11w27)}
      - {standard: 旧氏_フリガナ, excluded: true, note: 現行システムに旧氏カナの保持なし}
    codes:
      - {table: 続柄, legacy: '01', standard: '02'}
    gaiji:
      - {legacy: U+E001, standard: 髙, mj_name: MJ028902}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from migrator.i18n import shorten
from migrator.limits import compose_yaml, read_text_file, write_output_text, yaml_reason
from migrator.location import Location
from migrator.mapping.model import (
    SETTING_KEYS,
    CodeEntry,
    GaijiEntry,
    ItemRow,
    Mapping,
    SettingsReader,
    settings_from,
)
from migrator.report import Finding, make_finding

FORMAT = "migrator.mapping/1"
_ITEM_KEYS = ("no", "standard", "legacy", "transform", "default", "note", "excluded")
_CODE_KEYS = ("table", "legacy", "standard", "note")
_GAIJI_KEYS = ("legacy", "standard", "mj_name", "note")


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_mapping(mapping: Mapping) -> str:
    """The YAML text of ``mapping`` (deterministic: same mapping, same bytes)."""
    keys = [k for k in SETTING_KEYS if k in mapping.settings] + [k for k in mapping.settings if k not in SETTING_KEYS]
    items: list[dict[str, Any]] = []
    for row in mapping.items:
        entry: dict[str, Any] = {}
        if row.no is not None:
            entry["no"] = row.no
        entry["standard"] = row.standard
        if row.excluded:
            entry["excluded"] = True
        if row.legacy:
            entry["legacy"] = list(row.legacy)
        for key in ("transform", "default", "note"):
            if getattr(row, key):
                entry[key] = getattr(row, key)
        items.append(entry)
    data: dict[str, Any] = {
        "format": FORMAT,
        "settings": {w: v for k in keys for w, v in (mapping.setting_variants.get(k) or ((k, mapping.settings[k]),))},
        "items": items,
        "codes": [{k: getattr(e, k) for k in _CODE_KEYS if getattr(e, k) is not None} for e in mapping.codes],
        "gaiji": [{k: getattr(e, k) for k in _GAIJI_KEYS if getattr(e, k) is not None} for e in mapping.gaiji],
    }
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000,
                     default_flow_style=False)


def write_mapping_yaml(mapping: Mapping, path: Path) -> Path:
    return write_output_text(path, dump_mapping(mapping))


def _value(node: Node) -> Any:
    if isinstance(node, ScalarNode):
        # Keep the raw text of plain scalars (codes such as 01 stay '01'); resolve only null, bools and ints.
        if node.style is None:
            if node.value in ("", "~", "null", "Null", "NULL"):
                return None
            if node.value in ("true", "True", "false", "False"):
                return node.value.lower() == "true"
        return node.value
    if isinstance(node, SequenceNode):
        return [_value(n) for n in node.value]
    if isinstance(node, MappingNode):
        return {str(_value(k)): _value(v) for k, v in node.value}
    return None


_CORE_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in
                       ("str", "int", "float", "bool", "null", "seq", "map", "timestamp", "merge"))


def _foreign_tags(root: Node | None) -> list[Node]:
    """Nodes whose tag is not one of YAML's plain data types (``!!python/...``, ``!custom``)."""
    found: list[Node] = []
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if node.tag not in _CORE_TAGS:
            found.append(node)
        if isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            stack.extend(n for pair in node.value for n in pair)
    return sorted(found, key=lambda n: n.start_mark.line)


def read_mapping_yaml(path: Path) -> tuple[Mapping | None, list[Finding]]:
    """Read the YAML form. Findings name ``file:line``."""

    path = Path(path)
    text = read_text_file(path)
    findings: list[Finding] = []

    def loc(node: Node | None) -> Location:
        return Location(file=str(path), line=node.start_mark.line + 1 if node is not None else None)

    try:
        root = compose_yaml(text, path)
    except yaml.YAMLError as exc:
        why = yaml_reason(exc, text)
        findings.append(make_finding("MAP009", Location(file=str(path), line=why["line"]), reason=why["reason"],
                                     reason_ja=why["reason_ja"]))
        return None, findings
    tagged = _foreign_tags(root)
    if tagged:
        # A tag such as !!python/object asks a loader to build an object; a mapping is data, so it is refused.
        findings += [make_finding("MAP012", loc(node), tag=node.tag) for node in tagged]
        return None, findings
    if not isinstance(root, MappingNode):
        findings.append(make_finding("MAP009", loc(root), reason="the file is not a YAML mapping",
                                     reason_ja="ファイルが YAML のマッピング(キー: 値)ではありません"))
        return None, findings
    top = {str(_value(k)): v for k, v in root.value}
    fmt = _value(top["format"]) if "format" in top else None
    if fmt != FORMAT:
        findings.append(make_finding("MAP009", loc(top.get("format", root)), reason=f"format must be {FORMAT}",
                                     reason_ja=f"format は {FORMAT} にしてください"))
        return None, findings
    read = SettingsReader()
    snode = top.get("settings")
    if isinstance(snode, MappingNode):
        for knode, vnode in snode.value:
            value = _value(vnode)
            if value is None:
                continue
            read.add(str(_value(knode)), str(value), loc(vnode), loc(knode))
        findings += read.findings()
    settings = read.values
    for key in ("マッピングID", "標準スキーマ", "標準テーブル"):
        if key not in settings:
            findings.append(make_finding("MAP003", loc(snode or root), key=key))
    items: list[ItemRow] = []
    for node in _seq(top.get("items"), "items", findings, loc):
        data = _entry(node, _ITEM_KEYS, "items", findings, loc)
        if data is None:
            continue
        if not data.get("standard"):
            findings.append(make_finding("MAP011", loc(node)))
            continue
        legacy = data.get("legacy") or []
        legacy = [legacy] if isinstance(legacy, str) else legacy
        no = data.get("no")
        cells = {k: loc(n) for k, n in _nodes(node).items()}
        cells.setdefault("standard", loc(node))
        items.append(ItemRow(standard=str(data["standard"]), legacy=tuple(str(x) for x in legacy),
                             transform=_opt(data.get("transform")), default=_opt(data.get("default")),
                             note=_opt(data.get("note")), excluded=bool(data.get("excluded")),
                             no=int(no) if isinstance(no, str) and no.isdigit() else None, cells=cells))
    codes: list[CodeEntry] = []
    first: dict[tuple[str, str], Location] = {}
    for node in _seq(top.get("codes"), "codes", findings, loc):
        data = _entry(node, _CODE_KEYS, "codes", findings, loc)
        if data is None or not data.get("table") or data.get("legacy") is None:
            continue
        code_key = (str(data["table"]), str(data["legacy"]))
        if code_key in first:
            findings.append(make_finding("MAP007", loc(node), table=code_key[0], value=code_key[1],
                                         first=str(first[code_key])))
            continue
        first[code_key] = loc(node)
        cells = {k: loc(n) for k, n in _nodes(node).items()}
        codes.append(CodeEntry(code_key[0], code_key[1], str(data.get("standard") or ""), _opt(data.get("note")), cells))
    gaiji: list[GaijiEntry] = []
    for node in _seq(top.get("gaiji"), "gaiji", findings, loc):
        data = _entry(node, _GAIJI_KEYS, "gaiji", findings, loc)
        if data is None:
            continue
        if not data.get("legacy") or not data.get("standard"):
            findings.append(make_finding("MAP008", loc(node), reason="legacy and standard are both required",
                                         reason_ja="現行文字と標準文字の両方が必要です"))
            continue
        cells = {k: loc(n) for k, n in _nodes(node).items()}
        gaiji.append(GaijiEntry(str(data["legacy"]), str(data["standard"]), _opt(data.get("mj_name")),
                                _opt(data.get("note")), cells))
    if any(f.severity == "error" for f in findings):
        return None, findings
    mapping = Mapping(**settings_from(settings), path=path, settings=settings, setting_variants=read.variants,
                      items=tuple(items), codes=tuple(codes), gaiji=tuple(gaiji), setting_cells=read.places,
                      variant_cells=read.variant_cells,
                      sheet_cells={"概要": loc(snode or root), "項目対応": loc(top.get("items") or root)})
    return mapping, findings


def _opt(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _nodes(node: Node) -> dict[str, Node]:
    return {str(_value(k)): v for k, v in node.value} if isinstance(node, MappingNode) else {}


def _seq(node: Node | None, key: str, findings: list[Finding], loc: Any) -> list[Node]:
    if node is None or (isinstance(node, ScalarNode) and _value(node) is None):
        return []
    if not isinstance(node, SequenceNode):
        findings.append(make_finding("MAP009", loc(node), reason=f"{key} must be a list",
                                     reason_ja=f"{key} は一覧(リスト)にしてください"))
        return []
    return list(node.value)


def _entry(node: Node, keys: tuple[str, ...], where: str, findings: list[Finding], loc: Any) -> dict[str, Any] | None:
    if not isinstance(node, MappingNode):
        findings.append(make_finding("MAP009", loc(node), reason=f"each entry of {where} must be a mapping",
                                     reason_ja=f"{where} の各項目はマッピング(キー: 値)にしてください"))
        return None
    data = _value(node)
    unknown = [k for k in data if k not in keys]
    if unknown:
        findings.append(make_finding("MAP009", loc(node),
                                     reason=f"unknown key(s) {shorten(', '.join(map(str, unknown)))} in {where} (allowed: {', '.join(keys)})",
                                     reason_ja=f"{where} に不明なキー {shorten('、'.join(map(str, unknown)))} があります"
                                               f"(使えるキー: {'、'.join(keys)})"))
        return None
    return data
