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
from migrator.mapping.compiled import CompiledMapping, compile_mapping, load_mapping, resolve_schema
from migrator.mapping.compiler import TransformIssue
from migrator.mapping.language import Pipe, Step, TransformSyntaxError, parse_pipe
from migrator.mapping.model import CodeEntry, GaijiEntry, ItemRow, Mapping
from migrator.mapping.transforms import REGISTRY
from migrator.mapping.yaml_io import dump_mapping


def write_mapping(mapping: Mapping, path: Path) -> Path:
    """Write ``mapping`` as a workbook (.xlsx) or YAML (.yaml/.yml), chosen by the suffix of ``path``."""
    from migrator.mapping.workbook import write_mapping_workbook
    from migrator.mapping.yaml_io import write_mapping_yaml

    if Path(path).suffix.lower() in (".yaml", ".yml"):
        return write_mapping_yaml(mapping, path)
    return write_mapping_workbook(mapping, path)


__all__ = [
    "REGISTRY", "CodeEntry", "CompiledMapping", "GaijiEntry", "ItemRow", "Mapping", "Pipe", "Step",
    "TransformIssue", "TransformSyntaxError", "check_mapping", "check_workbook", "compile_mapping", "dump_mapping",
    "load_mapping", "parse_pipe", "resolve_schema", "write_mapping",
]
