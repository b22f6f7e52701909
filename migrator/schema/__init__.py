"""Declarative schemas: the national standard data sets and legacy layouts as data.

Public API:

- model: :class:`Schema`, :class:`Table`, :class:`Item`, :class:`CodeTable`, :class:`Rule`,
  :class:`Condition`, :class:`Reference`, :class:`Provenance`, :class:`FileLayout`
- loading: :func:`load_schema` ``(path) -> (Schema | None, findings)``, :func:`load_schemas`,
  :func:`parse_schema`, :func:`check_paths` ``-> Report``, :class:`SchemaRegistry`
- writing: :func:`dump_schema`, :func:`write_schema`
- profiles: :func:`apply_profile` (the standard's own rules by default, a stricter :class:`Profile` on demand)
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
from migrator.schema.profiles import apply_profile, profile_names
from migrator.schema.registry import SchemaRegistry, default_schema_dirs
from migrator.schema.writer import dump_schema, write_schema

__all__ = [
    "CHARSETS",
    "FORMAT",
    "ITEM_TYPES",
    "NAMED_CHECKS",
    "STANDARD_PROFILE",
    "Change",
    "CodeTable",
    "Condition",
    "FileLayout",
    "ImportResult",
    "Item",
    "Profile",
    "Provenance",
    "Reference",
    "Rule",
    "Schema",
    "SchemaRegistry",
    "Table",
    "apply_profile",
    "check_paths",
    "default_schema_dirs",
    "diff_report",
    "diff_schemas",
    "dump_schema",
    "import_workbook",
    "load_header_synonyms",
    "load_schema",
    "load_schemas",
    "parse_schema",
    "profile_names",
    "write_schema",
]
