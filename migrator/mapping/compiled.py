"""Loading a mapping and compiling it into polars expressions over a legacy frame."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from migrator.bundled import SCHEMAS_ENV
from migrator.errors import InputError, SpecError
from migrator.location import Location
from migrator.mapping.compiler import (
    BLOCKING,
    Memo,
    RowPlan,
    TransformIssue,
    analyze_row,
    gaiji_table,
    source_of,
)
from migrator.mapping.model import ItemRow, Mapping, gaiji_policy
from migrator.mapping.transforms import Derived, Env
from migrator.report import Finding, make_finding
from migrator.schema import Schema, SchemaRegistry, Table


def load_mapping(path: Path) -> tuple[Mapping | None, list[Finding]]:
    """Read a mapping workbook (.xlsx/.xlsm) or its YAML form (.yaml/.yml).

    Returns the mapping (None when it cannot be built) and the findings of reading it, each naming
    ``sheet!cell`` (or ``file:line``). Raises InputError only if the file is unreadable.
    """
    from migrator.mapping.workbook import read_mapping_workbook
    from migrator.mapping.yaml_io import read_mapping_yaml

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return read_mapping_yaml(path)
    if suffix in (".xlsx", ".xlsm") or not path.is_file():
        return read_mapping_workbook(path)
    raise InputError(f"Not a mapping file: {path.name} (expected .xlsx or .yaml).",
                     f"マッピングファイルではありません: {path.name}(.xlsx か .yaml を指定してください)。",
                     location=Location(file=str(path)))


def resolve_schema(registry: SchemaRegistry, ref: str) -> Schema | None:
    """A schema by id (``std-001-juki``), by file stem (``001_juki``) or by path; None if unknown."""
    if ref in registry.schemas:
        return registry.schemas[ref]
    for schema in registry.schemas.values():
        if schema.path is not None and schema.path.stem == ref:
            return schema
    if ref.endswith((".yaml", ".yml")) and Path(ref).is_file():
        try:
            return registry.resolve(ref)
        except SpecError:
            return None
    return None


@dataclass(frozen=True)
class Resolved:
    """The schemas a mapping names, and the findings of looking them up."""

    standard_schema: Schema | None
    standard: Table | None
    legacy_schema: Schema | None
    legacy: Table | None
    findings: tuple[Finding, ...] = ()
    places: dict[str, Location] = field(default_factory=dict, compare=False, hash=False)
    """Where each schema or table setting that was found was read (the one of ``現行テーブル名`` and
    ``現行テーブルID`` that names a table)."""

    def place(self, mapping: Mapping, key: str) -> Location:
        return self.places.get(key) or mapping.setting_place(key)


def resolve(mapping: Mapping, registry: SchemaRegistry | None = None) -> Resolved:
    registry = registry or SchemaRegistry.load()
    findings: list[Finding] = []
    places: dict[str, Location] = {}
    std_schema, std_table = _resolve_side(registry, mapping, findings, places, "standard", mapping.standard_schema,
                                          mapping.standard_table, ("標準スキーマ", "標準テーブル"))
    leg_schema = leg_table = None
    if mapping.legacy_schema:
        leg_schema, leg_table = _resolve_side(registry, mapping, findings, places, "legacy", mapping.legacy_schema,
                                              mapping.legacy_table, ("現行スキーマ", "現行テーブル"))
    return Resolved(std_schema, std_table, leg_schema, leg_table, tuple(findings), places)


def _chosen(findings: list[Finding], what: str, what_ja: str, hits: list[tuple[tuple[str, str, Location], str]]) -> tuple[str, str, Location] | None:
    """The one setting among ``hits`` (each option with what it names); None, with a MAP210, when two name
    different things."""
    named = dict.fromkeys(name for _, name in hits)
    if len(named) > 1:
        (first, _), (second, _) = [next(h for h in hits if h[1] == name) for name in list(named)[:2]]
        findings.append(make_finding("MAP210", second[2], what=what, what_ja=what_ja,
                                     first_key=first[0], first=source_of(first[2]), first_value=first[1],
                                     second_key=second[0], second=source_of(second[2]), second_value=second[1]))
        return None
    return hits[0][0] if hits else None


def _resolve_side(registry: SchemaRegistry, mapping: Mapping, findings: list[Finding], places: dict[str, Location],
                  side: str, schema_id: str, table_name: str | None,
                  settings: tuple[str, str]) -> tuple[Schema | None, Table | None]:
    """The schema and table one side of a mapping names; a MAP207 at the setting that names a missing one.

    A schema or table written twice (``現行テーブル名`` and ``現行テーブルID``) is the one of them that names what
    exists; MAP210 when they name two different ones."""
    options = mapping.setting_options(settings[0], schema_id)
    found = [(o, s) for o in options if (s := resolve_schema(registry, o[1])) is not None]
    schemas = {s.id: s for _, s in found}
    pick = _chosen(findings, f"{side} schema", settings[0], [(o, s.id) for o, s in found])
    if pick is None:
        if not found:
            findings.append(make_finding("MAP207", mapping.setting_place(settings[0]), what=f"{side} schema",
                                         what_ja=settings[0], name=_tried(options or ((settings[0], schema_id, None),)),
                                         known=tuple(registry.ids) or "-",
                                         hint=f". Put your own schema files in a folder named by {SCHEMAS_ENV}",
                                         hint_ja=f"。独自のスキーマファイルは {SCHEMAS_ENV} で指定したフォルダに置いてください"))
        return None, None
    places[settings[0]] = pick[2]
    schema = schemas[next(s.id for o, s in found if o is pick)]
    options = mapping.setting_options(settings[1], table_name)
    if not options:
        try:
            return schema, schema.table(None)
        except KeyError:
            findings.append(make_finding("MAP207", mapping.setting_place(settings[1]), what=f"{side} table",
                                         what_ja=settings[1], name="''", known=tuple(schema.table_names) or "-",
                                         hint="", hint_ja=""))
            return schema, None
    tables = [(o, o[1]) for o in options if o[1] in schema.table_names]
    pick = _chosen(findings, f"{side} table", settings[1], tables)
    if pick is None:
        if not tables:
            findings.append(make_finding("MAP207", mapping.setting_place(settings[1]), what=f"{side} table",
                                         what_ja=settings[1], name=_tried(options), known=tuple(schema.table_names) or "-",
                                         hint="", hint_ja=""))
        return schema, None
    places[settings[1]] = pick[2]
    return schema, schema.table(pick[1])


def _tried(options: tuple[tuple[str, str, Location | None], ...]) -> str:
    """The values looked up, quoted: ``'住民記録'`` or ``'住民記録' / 'JUMIN'``."""
    return " / ".join(f"'{value}'" for _, value, _ in options)


def standard_code_values(schema: Schema | None, table: Table | None) -> dict[str, tuple[str, ...]]:
    """Standard item → the codes its code tables allow (union when several tables apply)."""
    if schema is None or table is None:
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for item in table.items:
        codes: list[str] = []
        for name in item.code_tables:
            if name in schema.code_tables:
                codes += schema.code_tables[name].codes
        if codes:
            out[item.name] = tuple(codes)
    return out


# The last analysis, by the identity of its inputs: ``check_mapping`` then ``compile_mapping`` of the same
# mapping (as a run does) analyse its rows once. Strong references keep the identities from being reused.
_LAST_PLANS: list[tuple[tuple[object, ...], tuple[list[RowPlan], list[Finding]]]] = []


def plan_rows(mapping: Mapping, resolved: Resolved, *, dedupe: bool = True) -> tuple[list[RowPlan], list[Finding]]:
    """Analyse every row (one shared environment: code tables, 外字 table, legacy lengths)."""
    key = (mapping, resolved.standard_schema, resolved.standard, resolved.legacy_schema, resolved.legacy, dedupe)
    if _LAST_PLANS and all(a is b for a, b in zip(_LAST_PLANS[0][0], key, strict=True)):
        plans, found = _LAST_PLANS[0][1]
        return [_copy_plan(p) for p in plans], list(found)
    plans, found = _plan_rows(mapping, resolved, dedupe=dedupe)
    _LAST_PLANS[:] = [(key, ([_copy_plan(p) for p in plans], list(found)))]
    return plans, found


def _copy_plan(plan: RowPlan) -> RowPlan:
    return replace(plan, issues=list(plan.issues), findings=list(plan.findings), columns=list(plan.columns),
                   code_uses=list(plan.code_uses), code_parts=dict(plan.code_parts))


def _plan_rows(mapping: Mapping, resolved: Resolved, *, dedupe: bool) -> tuple[list[RowPlan], list[Finding]]:
    gaiji, findings = gaiji_table(mapping)
    env = Env(codes={name: mapping.code_table(name) for name in mapping.code_table_names}, gaiji=gaiji,
              keep_gaiji=gaiji_policy(mapping.settings.get("外字方針")) == "残す")
    if resolved.legacy is not None:
        env.lengths = {i.name: i.size for i in resolved.legacy.items}
    if resolved.legacy_schema is not None:
        env.tables = {t.name: t.item_names for t in resolved.legacy_schema.tables
                      if resolved.legacy is None or t.name != resolved.legacy.name}
    codes = standard_code_values(resolved.standard_schema, resolved.standard)
    plans = []
    for row in mapping.items:
        target = None
        if resolved.standard is not None and resolved.standard.has_item(row.standard):
            target = resolved.standard.item(row.standard)
        plans.append(analyze_row(row, mapping=mapping, env=env, legacy=resolved.legacy, target=target,
                                 standard_codes=codes, dedupe=dedupe))
    return plans, findings


@dataclass(frozen=True)
class CompiledMapping:
    """A mapping turned into one polars expression per standard item, plus row-issue expressions.

    ``columns`` maps each standard item to one polars expression over the legacy frame (all-string columns);
    ``issues`` holds, per transform that can find row-level problems, a boolean expression over the same frame
    (True on the offending rows) and the legacy value to show. Both stand alone.

    Entry points:

    - :meth:`apply` — the standard items only, in schema order.
    - :meth:`evaluate` — the standard items *and* every issue flag and value in one lazy pass (the form the
      validation run needs): ``frame.evaluate(lf, keep=[...])`` gives the ``keep`` columns, the standard items
      in schema order (String), then for issue ``i`` (the order of ``issues``) a Boolean column
      :meth:`issue_flag` ``(i)`` and a String column :meth:`issue_value` ``(i)``. One query plan for all, so
      polars evaluates the legacy columns once, and the results equal the stand-alone expressions'.

    A mapping that derives values from another legacy table of the run (``lookup``, ``count``) lists them in
    ``derived``: :meth:`join_derived` joins their columns into the legacy frame first (a join, or a group-by
    and a join), and the compiled expressions read those columns.

    Costly pipes (和暦, dates) are evaluated once per distinct legacy value and looked up for every row (see
    ``compile_mapping(dedupe=...)``), so a million rows with tens of thousands of distinct dates cost tens of
    thousands of parses.
    """

    mapping: Mapping
    standard: Table
    legacy: Table | None
    columns: dict[str, pl.Expr]
    sources: dict[str, str]
    issues: tuple[TransformIssue, ...] = field(default=())
    memos: dict[str, Memo] = field(default_factory=dict)  # memoized items in their parts (see Memo)
    derived: tuple[Derived, ...] = ()  # values from other legacy tables of the run (lookup, count)

    @property
    def needs(self) -> tuple[str, ...]:
        """The other legacy tables the mapping derives values from; a run must hold their extracts."""
        return tuple(dict.fromkeys(d.table for d in self.derived))

    def join_derived(self, frame: pl.LazyFrame, tables: dict[str, pl.LazyFrame]) -> pl.LazyFrame:
        """``frame`` with the columns of :attr:`derived` joined in (row order kept), from ``tables`` (the
        other legacy tables by name, all-string columns). A missing table leaves its columns empty."""
        for d in self.derived:
            other = tables.get(d.table)
            if other is None:
                dtype = pl.Int64 if d.kind == "count" else pl.String
                frame = frame.with_columns(pl.lit(None, dtype).alias(d.alias))
                continue
            on = pl.col(d.on).str.strip_chars()
            if d.kind == "count":
                side = other.group_by(on.alias("__on")).agg(pl.len().cast(pl.Int64).alias(d.alias))
            else:
                assert d.value is not None
                side = other.select(on.alias("__on"), pl.col(d.value).alias(d.alias)).unique("__on", keep="first",
                                                                                            maintain_order=True)
            frame = frame.with_columns(pl.col(d.key).str.strip_chars().alias("__key")).join(
                side.filter(pl.col("__on").is_not_null()), left_on="__key", right_on="__on", how="left",
                maintain_order="left").drop("__key")
        return frame

    @staticmethod
    def issue_flag(index: int) -> str:
        """The name of issue ``index``'s Boolean column in :meth:`evaluate`."""
        return f"__issue{index}"

    @staticmethod
    def issue_value(index: int) -> str:
        """The name of issue ``index``'s legacy-value column (String) in :meth:`evaluate`."""
        return f"__issue_value{index}"

    def apply(self, frame: pl.LazyFrame) -> pl.LazyFrame:
        """Select the standard items, in schema order, computed from a legacy frame (all-string columns)."""
        return self.evaluate(frame, issues=False)

    def evaluate(self, frame: pl.LazyFrame, *, keep: Sequence[str] = (), issues: bool = True) -> pl.LazyFrame:
        """The ``keep`` columns, the standard items in schema order, then each issue's flag and value.

        Args:
            frame: the legacy frame (all-string columns, plus whatever ``keep`` names).
            keep: columns of ``frame`` passed through unchanged, first (row numbers, line numbers …).
            issues: False for the standard items only (what :meth:`apply` gives).
        """
        names = self.standard.item_names
        exprs = [self.columns[name].alias(name) for name in names]
        if issues:
            for index, issue in enumerate(self.issues):
                exprs += [issue.expr.fill_null(False).alias(self.issue_flag(index)),
                          issue.value.cast(pl.String).alias(self.issue_value(index))]
        # Computed under temporary names with with_columns, not select: a constant column must still get one
        # value per legacy row, and a standard item may share its name with a legacy item.
        tmp = [f"\x00{n}" for n in range(len(exprs))]
        out = [*keep, *(pl.col(t).alias(e.meta.output_name()) for t, e in zip(tmp, exprs, strict=True))]
        return frame.with_columns([e.alias(t) for e, t in zip(exprs, tmp, strict=True)]).select(out)


def _source_cell(row: ItemRow) -> Location:
    """Where a row's value comes from, for the findings of a run about its item: the 変換 cell, else the 既定値
    cell of a row that gives only a 既定値 (no 現行項目名), else the row's No cell (its standard-item cell)."""
    if row.transform:
        return row.place("transform")
    if row.default is not None and not row.legacy:
        return row.place("default")
    return row.place("no") if row.cells.get("no") else row.place("standard")


def compile_mapping(mapping: Mapping, *, registry: SchemaRegistry | None = None,
                    dedupe: bool = True) -> CompiledMapping:
    """Compile ``mapping`` for its standard table.

    ``dedupe`` (default on) evaluates costly pipes (和暦, dates) once per distinct legacy value and looks the
    results up for every row; the results are the same either way, only the cost differs.

    Raises:
        SpecError: the standard schema or table is unknown, or a row cannot be compiled (a syntax error,
            an unknown transform, invalid arguments, an unknown legacy item or code table); the error
            names the first such cell. ``check_mapping`` lists them all.
    """
    resolved = resolve(mapping, registry)
    if resolved.standard is None:
        first = resolved.findings[0]
        raise SpecError(first.message_en, first.message_ja, location=first.location)
    plans, _ = plan_rows(mapping, resolved, dedupe=dedupe)
    columns: dict[str, pl.Expr] = {name: pl.lit(None, pl.String) for name in resolved.standard.item_names}
    sources: dict[str, str] = {}
    issues: list[TransformIssue] = []
    memos: dict[str, Memo] = {}
    for plan in plans:
        blocking = [f for f in plan.findings if f.code in BLOCKING]
        if blocking:
            first = blocking[0]
            raise SpecError(f"Cannot compile the mapping: {first.message_en}",
                            f"マッピングを変換できません: {first.message_ja}", location=first.location)
        row = plan.row
        if row.standard not in columns or plan.expr is None or row.standard in sources:
            continue
        source = source_of(_source_cell(row))
        columns[row.standard] = plan.expr
        sources[row.standard] = source
        if plan.memo is not None:
            memos[row.standard] = plan.memo
        issues += [TransformIssue(row.standard, i.code, i.expr, i.value, source,
                                  k if plan.memo is not None else None) for k, i in enumerate(plan.issues)]
    derived = plans[-1].derived if plans else ()
    return CompiledMapping(mapping, resolved.standard, resolved.legacy, columns, sources, tuple(issues), memos,
                           derived)
