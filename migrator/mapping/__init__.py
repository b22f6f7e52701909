"""Mapping workbooks (項目対応表): one legacy table → one standard table, checked and compiled.

Public API:

- model: :class:`Mapping`, :class:`ItemRow`, :class:`CodeEntry`, :class:`GaijiEntry`
- reading/writing: :func:`load_mapping` ``(path) -> (Mapping | None, findings)``, :func:`write_mapping`,
  :func:`dump_mapping` (YAML text)
- the static check: :func:`check_mapping` ``-> Report``, :func:`check_workbook`
- compiling: :func:`compile_mapping` ``-> CompiledMapping`` (one polars expression per standard item),
  :class:`TransformIssue`
- the 変換 language: :func:`parse_pipe`, :data:`REGISTRY`
- templates: :func:`build_template`, :func:`suggest`
"""

from __future__ import annotations

from pathlib import Path

from migrator.mapping.check import check_mapping, check_workbook
from migrator.mapping.compiled import (
    CompiledMapping,
    Resolved,
    compile_mapping,
    load_mapping,
    resolve,
    resolve_schema,
)
from migrator.mapping.compiler import TransformIssue
from migrator.mapping.language import Pipe, Step, TransformSyntaxError, parse_pipe
from migrator.mapping.model import CodeEntry, GaijiEntry, ItemRow, Mapping
from migrator.mapping.transforms import REGISTRY
from migrator.mapping.yaml_io import dump_mapping
from migrator.report import Report
from migrator.schema import SchemaRegistry


def write_mapping(mapping: Mapping, path: Path) -> Path:
    """Write ``mapping`` as a workbook (.xlsx) or YAML (.yaml/.yml), chosen by the suffix of ``path``."""
    from migrator.mapping.workbook import write_mapping_workbook
    from migrator.mapping.yaml_io import write_mapping_yaml

    if Path(path).suffix.lower() in (".yaml", ".yml"):
        return write_mapping_yaml(mapping, path)
    return write_mapping_workbook(mapping, path)


__all__ = [
    "REGISTRY", "CodeEntry", "CompiledMapping", "GaijiEntry", "ItemRow", "Mapping", "Pipe", "Resolved", "Step",
    "TransformIssue", "TransformSyntaxError", "check_mapping", "check_workbook", "compile_mapping", "convert_mapping",
    "dump_mapping", "load_mapping", "parse_pipe", "resolve", "resolve_schema", "write_mapping", "write_template",
]


def convert_mapping(source: Path, target: Path) -> tuple[Path | None, Report]:
    """Read ``source`` (.xlsx or .yaml) and write it to ``target`` (.yaml or .xlsx), losslessly.

    Nothing is written when the source has reading errors; the report holds the reading findings.
    """
    mapping, findings = load_mapping(source)
    written = None
    if mapping is not None and not any(f.severity == "error" for f in findings):
        written = write_mapping(mapping, target)
    return written, Report.of("mapping convert", findings, subject=str(source))


def write_template(*, standard: str, table: str, legacy: str, legacy_table: str, out: Path,
                   registry: SchemaRegistry | None = None,
                   samples: dict[str, list[str]] | None = None) -> tuple[Path, Mapping]:
    """Write a pre-filled mapping workbook (see :mod:`migrator.mapping.template`).

    ``samples`` (legacy item → values from an extract) adds the evidence of the values to the names'.

    Raises:
        SpecError: a schema or table is unknown.
    """
    from migrator.errors import SpecError
    from migrator.mapping.template import build_template, required_items
    from migrator.mapping.workbook import write_mapping_workbook

    registry = registry or SchemaRegistry.load()
    std = resolve_schema(registry, standard) or registry.get(standard)
    leg = resolve_schema(registry, legacy) or registry.get(legacy)
    try:
        mapping = build_template(std, table, leg, legacy_table, samples=samples)
    except KeyError as exc:
        raise SpecError(str(exc.args[0]), f"テーブルが見つかりません: {exc.args[0]}") from exc
    std_table = std.table(table)
    path = write_mapping_workbook(mapping, out, required=required_items(std_table),
                                  legacy_names=list(leg.table(legacy_table).item_names))
    return path, mapping
