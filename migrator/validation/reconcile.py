"""Reconciliation (移行検証): compare the extract with what was written, as municipalities do in rehearsal.

- row counts: records in the extract = rows in the output + rejects (unreadable records are rejects);
- key coverage: every legacy key value appears exactly once in the output or in the rejects;
- totals: counts per group (``件数:住民状態``) and sums (``合計:税額``) over every converted row of the
  extract against the output file read back, as declared in the mapping's ``照合集計`` setting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from migrator.location import Location
from migrator.report import Example, Finding, make_finding
from migrator.report.masking import maybe_mask
from migrator.validation.readers import LINE, ROW
from migrator.validation.types import ExtractPlaces

if TYPE_CHECKING:
    from migrator.validation.types import RunOptions, TableRun


# A measure as each language names it in a message (DAT303); the 照合集計 setting accepts either word.
_WORDS = {"count": ("count of", "件数"), "sum": ("sum of", "合計")}


def reconcile(result: TableRun, keys: pl.DataFrame, options: RunOptions, *,
              places: ExtractPlaces | None = None) -> list[Finding]:
    """Reconciliation findings of one job (``keys``: the key/total columns kept by the run; ``places``: how its
    extract names a record's place, an Excel extract's cells)."""
    from migrator.validation.types import legacy_key as key_of
    from migrator.validation.types import recon_totals

    job = result.job
    where = Location(file=str(job.extract))
    findings: list[Finding] = []
    output = pl.scan_csv(result.output, infer_schema=False) if result.output is not None else None
    rows_out = output.select(pl.len()).collect().item() if output is not None else result.rows_out
    if result.rows_in != rows_out + result.rows_rejected:
        findings.append(make_finding("DAT301", where, rows_in=result.rows_in, rows_out=rows_out,
                                     rows_rejected=result.rows_rejected))
    lk = key_of(job.compiled)
    if lk and "__legacy_key" in keys.columns and lk[1] in keys.columns:  # stored only where it differs
        keys = keys.with_columns(pl.coalesce("__legacy_key", pl.col(lk[1]).cast(pl.String)).alias("__legacy_key"))
    if lk and "__legacy_key" in keys.columns and output is not None and lk[1] in job.compiled.standard.item_names:
        legacy_key, std_key = lk
        out_keys = output.select(pl.col(std_key).str.strip_chars().alias("k")).collect()
        rej_keys = keys.filter(pl.col("__rejected")).select(pl.col("__legacy_key").alias("k"))
        seen = pl.concat([out_keys, rej_keys]).group_by("k").len()
        legacy = keys.select(pl.col("__legacy_key").alias("k"), ROW, LINE).drop_nulls("k")
        joined = legacy.join(seen, on="k", how="left")
        lost = joined.filter(pl.col("len").is_null())
        many = joined.filter(pl.col("len") > 1).unique("k")
        for frame, what, what_ja in ((lost, "missing", "欠落"), (many, "more than once", "重複")):
            if frame.height:
                # Examples to follow: the extract's row and the key, masked (a key names a person or household).
                examples = tuple(
                    Example((places or ExtractPlaces(str(job.extract))).point(
                        Location(file=str(job.extract), row=r[ROW], column=legacy_key), r[LINE], [legacy_key]),
                            maybe_mask(r["k"], sensitive=True, show_values=options.show_values))
                    for r in frame.sort(ROW).head(options.examples).iter_rows(named=True))
                findings.append(make_finding("DAT302", examples[0].location, item=legacy_key, count=frame.height,
                                             what=what, what_ja=what_ja, examples=examples,
                                             value=examples[0].value))
    totals, bad = recon_totals(job.compiled)
    for part in bad:
        findings.append(make_finding("DAT304", where, setting=part, reason="write count:ITEM or sum:ITEM",
                                     reason_ja="件数:項目名 か 合計:項目名 の形で書いてください"))
    for measure, item, written in totals:
        if item not in keys.columns:
            findings.append(make_finding("DAT304", where, setting=written,
                                         reason=f"{item} is not a standard item of {job.compiled.standard.name}",
                                         reason_ja=f"{item} は {job.compiled.standard.name} の標準項目ではありません"))
            continue
        named, named_ja = (f"{word} {item}" for word in _WORDS[measure])
        # The output file read back; without --out, the rows the run would have written.
        out = output.select(pl.col(item)).collect() if output is not None else \
            keys.filter(~pl.col("__rejected")).select(item)
        if measure == "count":
            exp = keys.group_by(item).len().rename({"len": "expected"}).with_columns(pl.col(item).cast(pl.String))
            act = out.group_by(item).len().rename({"len": "actual"}).with_columns(pl.col(item).cast(pl.String))
            both = exp.join(act, on=item, how="full", coalesce=True, nulls_equal=True).fill_null(0)
            # A group is a value of the item: masked in the message when the item is personal data (氏名).
            standard = job.compiled.standard
            personal = standard.has_item(item) and bool(standard.item(item).sensitive)
            for group, expected, actual in both.sort(item, nulls_last=True).iter_rows():
                if expected != actual:
                    # A blank group is named so in each language (never Python's "None").
                    shown = maybe_mask(group, sensitive=personal, show_values=options.show_values) \
                        if group is not None else None
                    findings.append(make_finding("DAT303", where, item=item, measure=named, measure_ja=named_ja,
                                                 group=f"{item}={'(blank)' if shown is None else shown}",
                                                 group_ja=f"{item}={'(空欄)' if shown is None else shown}",
                                                 expected=expected, actual=actual))
        else:
            expected = keys.select(pl.col(item).cast(pl.String).cast(pl.Decimal(scale=6), strict=False).sum()).item()
            actual = out.select(pl.col(item).cast(pl.String).cast(pl.Decimal(scale=6), strict=False).sum()).item()
            if expected != actual:
                findings.append(make_finding("DAT303", where, item=item, measure=named, measure_ja=named_ja,
                                             group="-", group_ja="-", expected=expected, actual=actual))
    return findings
