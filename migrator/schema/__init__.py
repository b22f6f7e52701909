"""Declarative schemas: the national standard data sets and legacy layouts as data.

Public API:

- model: :class:`Schema`, :class:`Table`, :class:`Item`, :class:`CodeTable`, :class:`Rule`,
  :class:`Condition`, :class:`Reference`, :class:`Provenance`, :class:`FileLayout`
- loading: :func:`load_schema` ``(path) -> (Schema | None, findings)``, :func:`load_schemas`,
  :func:`parse_schema`, :func:`check_paths` ``-> Report``, :class:`SchemaRegistry`
- writing: :func:`dump_schema`, :func:`write_schema`
- Excel import: :func:`import_workbook`, :func:`load_header_synonyms`
- diff: :func:`diff_schemas` ``-> list[Change]``, :func:`diff_report`
"""

from migrator.schema.check import check_paths
from migrator.schema.diff import Change, diff_report, diff_schemas
from migrator.schema.excel_import import ImportResult, import_workbook, load_header_synonyms
from migrator.schema.loader import load_schema, load_schemas, parse_schema
from migrator.schema.model import (
    CHARSETS,
    FORMAT,
    ITEM_TYPES,
    NAMED_CHECKS,
    CodeTable,
    Condition,
    FileLayout,
    Item,
    Provenance,
    Reference,
    Rule,
    Schema,
    Table,
)
from migrator.schema.registry import SchemaRegistry, default_schema_dirs
from migrator.schema.writer import dump_schema, write_schema

__all__ = [
    "CHARSETS", "FORMAT", "ITEM_TYPES", "NAMED_CHECKS", "Change", "CodeTable", "Condition", "FileLayout",
    "ImportResult", "Item", "Provenance", "Reference", "Rule", "Schema", "SchemaRegistry", "Table",
    "check_paths", "default_schema_dirs", "diff_report", "diff_schemas", "dump_schema", "import_workbook",
    "load_header_synonyms", "load_schema", "load_schemas", "parse_schema", "write_schema",
]
