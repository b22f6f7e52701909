"""Cross-table checks over the extracts of one run: key uniqueness, references, at most one 世帯主 per household.

They run after all batches, on the key and reference columns the run kept (never the whole rows).
A reference to a table of another schema (``std-001-juki:住民.宛名番号`` from 個人住民税) is a
cross-area reference (DAT204); it is checked when that table's extract is part of the run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from migrator.location import Location
from migrator.report import Example, Finding, make_finding
from migrator.report.masking import maybe_mask
from migrator.validation.readers import LINE, ROW

if TYPE_CHECKING:
    from migrator.validation.types import Job, RunOptions

# A record's place (location, sheet row, standard item) → the same with its cell when the extract is a workbook.
Point = Callable[[Location, "int | None", "str | None"], Location]

HEAD = "02"  # 続柄 of 世帯主 in the standard code table
CURRENT = "1"  # 住民状態 住登者


def _aggregate(code: str, job: Job, rows: pl.DataFrame, item: str | None, options: RunOptions,
               value_col: str | None = None, point: Point | None = None, **params: Any) -> list[Finding]:
    if rows.height == 0:
        return []
    table = job.compiled.standard
    sensitive = bool(item) and table.has_item(item) and table.item(item).sensitive  # type: ignore[arg-type]
    examples = tuple(
        Example((point or _as_is)(Location(file=str(job.extract), line=r[LINE], row=r[ROW], column=item), r[LINE],
                                  item),
                converted=maybe_mask(r[value_col], sensitive=sensitive, show_values=options.show_values)
                if value_col else None)
        for r in rows.head(options.examples).iter_rows(named=True))
    source = job.compiled.sources.get(item or "")
    book = getattr(job.compiled.mapping, "path", None)
    if source and book and "!" in source:  # a finding across tables names the workbook of its cell
        source = f"{Path(str(book)).name} {source}"
    return [make_finding(code, examples[0].location, item=item, count=rows.height, examples=examples,
                         source=source, value=examples[0].converted, **params)]


def _as_is(location: Location, sheet_row: int | None, item: str | None) -> Location:
    return location


def cross_table_findings(frames: Sequence[tuple[Job, pl.DataFrame]], options: RunOptions, *,
                         points: Sequence[Point] | None = None) -> list[Finding]:
    """DAT201 duplicate keys, DAT202/DAT204 missing references, DAT203 households with several heads, DAT405
    households without a head (information: allowed by 1.1.10). ``points``: per frame, how its extract names
    a record's place (an Excel extract's cells; :meth:`BatchEngine.point`)."""
    findings: list[Finding] = []
    by_table: dict[tuple[str, str], pl.DataFrame] = {}
    for job, frame in frames:
        by_table[(job.standard_schema.id, job.compiled.standard.name)] = frame
    for n_job, (job, frame) in enumerate(frames):
        point = points[n_job] if points is not None else None
        table = job.compiled.standard
        if frame.height == 0:
            continue
        key = [k for k in table.key if k in frame.columns]
        if key:
            duplicated = pl.col(key[0]).is_duplicated() if len(key) == 1 else pl.struct(key).is_duplicated()
            dup = frame.lazy().filter(pl.all_horizontal(pl.col(k).is_not_null() for k in key) & duplicated).sort(
                ROW).collect()
            findings += _aggregate("DAT201", job, dup, key[0], options, value_col=key[0], point=point, table=table.name,
                                   key=tuple(key))
        for item in table.items:
            ref = item.references
            if ref is None or item.name not in frame.columns:
                continue
            schema_id = ref.schema or job.standard_schema.id
            target = by_table.get((schema_id, ref.table))
            if target is None or ref.item not in target.columns:
                continue
            known = target.get_column(ref.item).cast(pl.String).drop_nulls().unique().implode()
            missing = frame.filter(pl.col(item.name).is_not_null() & ~pl.col(item.name).is_in(known)).sort(ROW)
            code = "DAT202" if schema_id == job.standard_schema.id else "DAT204"
            findings += _aggregate(code, job, missing, item.name, options, value_col=item.name, point=point,
                                   target=str(ref))
        if all(c in frame.columns for c in ("世帯番号", "続柄コード1", "住民状態")):
            # Lazily: only the four columns needed are read, and the filtered rows are never materialized.
            wrong = frame.lazy().filter(pl.col("住民状態") == CURRENT).group_by("世帯番号").agg(
                (pl.col("続柄コード1") == HEAD).sum().alias("heads"), pl.col(ROW).min(), pl.col(LINE).min(),
            ).filter(pl.col("heads") != 1).sort(ROW).collect()
            # A household without a 世帯主 is allowed (1.1.10): information, not an error.
            for n, group in wrong.group_by("heads", maintain_order=True):
                code = "DAT405" if n[0] == 0 else "DAT203"
                findings += _aggregate(code, job, group, "世帯番号", options, value_col="世帯番号", point=point,
                                       heads=n[0])
    return findings
