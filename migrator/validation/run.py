"""Running compiled mappings on extracts: convert, validate with pandera, aggregate findings, write outputs.

One lazy pass per batch evaluates the compiled columns and the transform-issue expressions; the converted
batch is validated by the pandera (polars) schema of the standard table, collecting every failure
(``lazy=True``). Failures become findings aggregated per (code, item): a count, the share of rows and the
first few examples with row number, legacy value and converted value, masked for sensitive items. Every
finding carries the mapping row (``項目対応!D12``) that produced the value. Rows with an error go to the
rejects file, the others to the converted standard-layout file. Cross-table checks and reconciliation
run once all batches are done, on key columns only, so memory stays bounded by the batch size.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pandera.polars as pa
import polars as pl

from migrator.catalogue import catalogue
from migrator.location import Location
from migrator.mapping.compiler import MEMO_KEY, Memo
from migrator.report import Example, Finding, Report, make_finding
from migrator.schema import CodeTable, Schema, Table
from migrator.validation.checks import PUA_RE, build_schema, finding_code
from migrator.validation.outputs import output_stem
from migrator.validation.readers import LINE, ROW, ExtractReader, ReadOptions


class Compiled(Protocol):
    """What the run needs of ``migrator.mapping.CompiledMapping`` (the contract between issues 5 and 6)."""

    @property
    def mapping(self) -> Any: ...
    @property
    def standard(self) -> Table: ...
    @property
    def legacy(self) -> Table | None: ...
    @property
    def columns(self) -> dict[str, pl.Expr]: ...
    @property
    def sources(self) -> dict[str, str]: ...
    @property
    def issues(self) -> tuple[Any, ...]: ...


@dataclass(frozen=True)
class RunOptions:
    out_dir: Path | None = None
    show_values: bool = False
    parquet: bool = False
    reconcile: bool = False
    examples: int = 5
    batch_rows: int = 100_000
    encoding: str | None = None
    progress: Callable[[int], None] | None = None
    profile: str = "standard"  # the standard's own rules, or a stricter profile of the standard schemas
    layouts: tuple[str, ...] = ()  # legacy tables to read the extracts with, instead of the mappings' 現行テーブル


@dataclass
class _Agg:
    code: str
    item: str | None
    source: str | None
    sensitive: bool
    check: str
    count: int = 0
    examples: list[Example] = field(default_factory=list)
    severity: str = "error"


@dataclass(frozen=True)
class Job:
    """One extract to run: its compiled mapping, the file, and the schemas behind them."""

    compiled: Compiled
    extract: Path
    standard_schema: Schema
    legacy_schema: Schema | None = None

    @property
    def name(self) -> str:
        return str(getattr(self.compiled.mapping, "id", self.compiled.standard.name))


@dataclass(frozen=True)
class TableRun:
    """What one job did."""

    job: Job
    rows_in: int
    rows_out: int
    rows_rejected: int
    checksum: str | None
    encoding: str | None
    output: Path | None
    rejects: Path | None
    seconds: float


@dataclass(frozen=True)
class RunResult:
    report: Report
    tables: tuple[TableRun, ...]
    outputs: tuple[Path, ...]
    gaiji: tuple[tuple[str, str, int], ...]  # (character, code point, count) still in the output

    @property
    def exit_code(self) -> int:
        return self.report.exit_code


_FORMULA_LEAD = r"^[=+\-@\t\r＝＋－＠]"


def spreadsheet_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with text cells a spreadsheet would run as a formula prefixed by ``'`` (OWASP CSV injection).

    For files meant to be opened by people in Excel (the rejects); the converted standard-layout file is
    data for the target system and keeps every value exact.
    """
    text = [c for c, t in frame.schema.items() if t == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(_FORMULA_LEAD)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in text)


def _create_private(path: Path) -> None:
    # O_NOFOLLOW: a symbolic link planted in --out is refused rather than written through.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


class _Collector:
    """Aggregates row-level failures of one table per (code, item, check)."""

    def __init__(self, table: Table, sources: dict[str, str], file: str, options: RunOptions) -> None:
        self.table = table
        self.sources = sources
        self.file = file
        self.options = options
        self.aggs: dict[tuple[str, str | None, str], _Agg] = {}
        # Standard items fed by a sensitive legacy item (a former address into a free-text item): their
        # values are as personal as their source, whatever the standard item says.
        self.derived_sensitive: set[str] = set()
        # Standard item → where its value comes from in the extract: the legacy column(s), and for a
        # fixed-width layout the byte range(s). An example points at the extract, not at the standard layout.
        self.places: dict[str, tuple[str | None, str | None]] = {}

    def sensitive(self, item: str | None) -> bool:
        """True for a sensitive standard item, or one computed from a sensitive legacy item."""
        if not item:
            return False
        return item in self.derived_sensitive or (self.table.has_item(item) and self.table.item(item).sensitive)

    def add(self, code: str, item: str | None, check: str, rows: pl.DataFrame, *, sensitive: bool | None = None,
            source: str | None = None) -> None:
        """``rows`` has ``__row``, ``__line``, ``legacy`` and ``converted`` (text) for each failing row."""
        if rows.height == 0:
            return
        key = (code, item, check)
        agg = self.aggs.get(key)
        if agg is None:
            sens = self.sensitive(item) if sensitive is None else sensitive
            spec = catalogue().get(code)
            agg = self.aggs[key] = _Agg(code, item, source or self.sources.get(item or ""), sens, check,
                                        severity=spec.severity if spec else "error")
        agg.count += rows.height
        room = self.options.examples - len(agg.examples)
        if room > 0:
            from migrator.report.masking import maybe_mask

            for r in rows.head(room).iter_rows(named=True):
                column, span = self.places.get(item or "", (item, None))
                agg.examples.append(Example(
                    Location(file=self.file, line=r[LINE], row=r[ROW], column=column, bytes=span),
                    maybe_mask(r.get("legacy"), sensitive=agg.sensitive, show_values=self.options.show_values),
                    maybe_mask(r.get("converted"), sensitive=agg.sensitive, show_values=self.options.show_values),
                ))

    def findings(self, total_rows: int) -> list[Finding]:
        out = []
        for agg in self.aggs.values():
            first = agg.examples[0].location if agg.examples else Location(file=self.file)
            value = None
            if agg.examples:
                first_example = agg.examples[0]
                value = first_example.converted if first_example.converted is not None else first_example.value
            params: dict[str, Any] = {"check": agg.check}
            spec = catalogue().get(agg.code)
            code = agg.code if spec else "DAT111"
            if spec is None:
                params["check"] = f"{agg.code} {agg.check}"
            needed = catalogue()[code].params
            extra = {k: v for k, v in {"table": self.table.name, "key": ", ".join(self.table.key),
                                       "target": agg.check, "heads": agg.check, "what": agg.check}.items()
                     if k in needed}
            out.append(make_finding(
                code, first, item=agg.item, value=value, severity=agg.severity if spec is None else None,  # type: ignore[arg-type]
                count=agg.count, share=round(agg.count / total_rows, 6) if total_rows else None,
                examples=tuple(agg.examples), source=agg.source, **{**params, **extra}))
        return out


def _legacy_text(frame: pl.DataFrame, expr: pl.Expr | None) -> pl.Expr:
    """The legacy value(s) behind a converted item: its expression's input columns, joined by ' | '."""
    if expr is None:
        return pl.lit(None, dtype=pl.String)
    try:
        roots = [r for r in dict.fromkeys(expr.meta.root_names()) if r in frame.columns]
    except Exception:  # an expression polars cannot introspect
        roots = []
    if not roots:
        return pl.lit(None, dtype=pl.String)
    if len(roots) == 1:
        return pl.col(roots[0]).cast(pl.String)
    return pl.concat_str([pl.col(r).cast(pl.String).fill_null("") for r in roots], separator=" | ")


class _Clock:
    """Adds the seconds since the previous call to ``stages[name]``."""

    def __init__(self, stages: dict[str, float]) -> None:
        self.stages = stages
        self.last = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.stages[name] += now - self.last
        self.last = now


def _timed(batches: Iterator[pl.DataFrame], stages: dict[str, float], name: str) -> Iterator[pl.DataFrame]:
    """``batches``, with the time spent producing each added to ``stages[name]``."""
    while True:
        t0 = time.perf_counter()
        batch = next(batches, None)
        stages[name] += time.perf_counter() - t0
        if batch is None:
            return
        yield batch


_MEMO_LIMIT = 250_000  # per-value results kept per set of memoized pipes (then afresh: bounds memory)


class _MemoPool:
    """Per-value results of one set of memoized pipes (``__out0``, ``__out1`` … by ``MEMO_KEY``), kept
    across batches."""

    def __init__(self, outputs: list[pl.Expr], parses: dict[str, pl.Expr] | None = None) -> None:
        self.bare = [e.meta.undo_aliases() for e in outputs]  # to compare pipes (not to run: it drops inner aliases)
        self.outputs = [e.alias(f"__out{k}") for k, e in enumerate(outputs)]
        # 和暦 parses the outputs read as columns (named by their content): computed once per value first
        self.parses = [e.alias(name) for name, e in (parses or {}).items()]
        self.cache: pl.DataFrame | None = None

    def add(self, keys: pl.DataFrame) -> None:
        """Evaluate the pipes for the values of ``keys`` (one ``MEMO_KEY`` column) not seen before."""
        if self.cache is not None:
            keys = keys.join(self.cache.select(MEMO_KEY), on=MEMO_KEY, how="anti", nulls_equal=True)
        if keys.height or self.cache is None:
            found = keys.lazy().with_columns(*self.parses).select(pl.col(MEMO_KEY), *self.outputs).collect() \
                if self.parses else keys.select(pl.col(MEMO_KEY), *self.outputs)
            self.cache = found if self.cache is None else pl.concat([self.cache, found])


@dataclass
class _MemoGroup:
    """Memoized items reading the same legacy value: their outputs and the pool of their results."""

    input: pl.Expr
    key: str
    outputs: list[pl.Expr] = field(default_factory=list)
    items: set[str] = field(default_factory=set)
    issues: set[int] = field(default_factory=set)
    parses: dict[str, pl.Expr] = field(default_factory=dict)
    pool: _MemoPool | None = None


class _TableRunner:
    """Runs one job batch by batch."""

    def __init__(self, job: Job, options: RunOptions, *, qualify: bool = False,
                 tables: dict[str, pl.LazyFrame] | None = None, stem: str | None = None) -> None:
        self.job = job
        self.tables = tables or {}  # other legacy tables the mapping derives values from (lookup, count)
        self.options = options
        self.stem = stem or job.name
        c = job.compiled
        self.table = c.standard
        self.code_tables: dict[str, CodeTable] = dict(job.standard_schema.code_tables)
        self.schema = build_schema(self.table, self.code_tables)
        self.screen = screen_expr(self.schema)
        self.names = list(self.table.item_names)
        self.columns = {n: c.columns[n] for n in self.names if n in c.columns}
        legacy_codes = job.legacy_schema.code_tables if job.legacy_schema else {}
        enc = options.encoding or getattr(c.mapping, "encoding", None)
        self.reader = ExtractReader(job.extract, c.legacy,
                                    ReadOptions(encoding=enc, batch_rows=options.batch_rows),
                                    code_tables=legacy_codes)
        # In a run of several workbooks a cell (項目対応!D3) names its workbook too.
        book = Path(str(getattr(c.mapping, "path", "") or "")).name if qualify else ""
        self.qualify = (lambda cell: f"{book} {cell}" if "!" in cell else cell) if book else (lambda cell: cell)
        self.collector = _Collector(self.table, {k: self.qualify(v) for k, v in c.sources.items()},
                                    str(job.extract), options)
        self.memo = self._memo_groups()
        self.legacy_rules = _legacy_rules(job)
        self.stages: defaultdict[str, float] = defaultdict(float)  # seconds per stage of the batches
        self.legacy_sensitive = {i.name for i in (c.legacy.items if c.legacy else ()) if i.sensitive}
        self.collector.derived_sensitive = {
            name for name, expr in c.columns.items() if any(r in self.legacy_sensitive for r in _roots(expr))}
        self.collector.places = _legacy_places(c)
        self.rows_out = 0
        self.rows_rejected = 0
        self.keys: list[pl.DataFrame] = []
        self.gaiji: Counter[str] = Counter()
        self.groups: list[pl.DataFrame] = []
        self.output: Path | None = None
        self.rejects: Path | None = None
        self._out_fh: Any = None
        self._rej_fh: Any = None

    # -------------------------------------------------------------- outputs
    def _open_outputs(self) -> None:
        out = self.options.out_dir
        if out is None:
            return
        out.mkdir(parents=True, exist_ok=True)
        stem = self.stem
        self.output = out / f"{stem}.csv"
        self.rejects = out / f"{stem}.rejects.csv"
        for p in (self.output, self.rejects):
            _create_private(p)
        self._out_fh = self.output.open("ab")
        self._rej_fh = self.rejects.open("ab")
        pl.DataFrame({n: [] for n in self.names}, schema={n: pl.String for n in self.names}).write_csv(self._out_fh)
        self._rej_header = True

    def _close(self) -> None:
        for fh in (self._out_fh, self._rej_fh):
            if fh is not None:
                fh.close()
        if self.rejects is not None and self._rej_header:  # no reject at all: a header-only file
            self._write_rejects(pl.DataFrame({ROW: [], LINE: [], "codes": [], "items": []},
                                             schema={ROW: pl.Int64, LINE: pl.Int64, "codes": pl.String,
                                                     "items": pl.String}), reopen=True)

    def _reject_columns(self) -> list[str]:
        return [k for k in self.table.key if not self.table.item(k).sensitive]

    def _write_rejects(self, frame: pl.DataFrame, reopen: bool = False) -> None:
        if self.rejects is None:
            return
        shown = spreadsheet_safe(frame.rename({ROW: "行番号", LINE: "物理行", "codes": "指摘コード",
                                               "items": "指摘項目"}))
        if reopen:
            with self.rejects.open("ab") as fh:
                shown.write_csv(fh, include_header=self._rej_header)
        else:
            shown.write_csv(self._rej_fh, include_header=self._rej_header)
        self._rej_header = False

    # -------------------------------------------------------------- one batch
    def _memo_groups(self) -> list[_MemoGroup]:
        """The memoized items (和暦, dates) grouped by the legacy value they read, with their issues.

        Groups whose pipes are the same (``trim | wareki`` over 生年月日 and over 異動年月日) share one
        table of per-value results, so a batch evaluates the pipes once for the new values of all of them.
        """
        c = self.job.compiled
        memos: dict[str, Memo] = dict(getattr(c, "memos", None) or {})
        groups: list[_MemoGroup] = []
        for name in self.names:
            memo = memos.get(name)
            if memo is None or name not in self.columns:
                continue
            group = next((g for g in groups if g.input.meta.eq(memo.input)), None)
            if group is None:
                group = _MemoGroup(memo.input, f"__memo{len(groups)}")
                groups.append(group)
            # The shared form when the pipe parses 和暦: each parse planned and run once for all outputs.
            shared_value = getattr(memo, "shared_value", None)
            shared = shared_value is not None
            group.outputs.append((shared_value if shared_value is not None else memo.value).cast(pl.String)
                                 .alias(name))
            if shared:
                group.parses.update(memo.parses)
            group.items.add(name)
            for i, issue in enumerate(c.issues):
                if issue.item == name and issue.memo is not None:
                    flag, value = (memo.shared_issues if shared else memo.issues)[issue.memo]
                    group.outputs += [flag.cast(pl.Boolean).alias(f"__iss{i}"), value.alias(f"__issval{i}")]
                    group.issues.add(i)
        pools: list[_MemoPool] = []
        for group in groups:
            bare = [e.meta.undo_aliases() for e in group.outputs]
            pool = next((p for p in pools if len(p.bare) == len(bare)
                         and all(x.meta.eq(y) for x, y in zip(p.bare, bare, strict=True))), None)
            if pool is None:
                pool = _MemoPool(group.outputs, group.parses)
                pools.append(pool)
            group.pool = pool
        return groups

    def _evaluate(self, legacy: pl.DataFrame) -> pl.DataFrame:
        """The converted items, issue flags and legacy texts of one batch, in one polars pass.

        Memoized items are looked up in per-value results kept across batches: only the input values not
        seen before are evaluated (the results are those of the compiled expressions).
        """
        c = self.job.compiled
        memo_items = {n for g in self.memo for n in g.items}
        memo_issues = {i for g in self.memo for i in g.issues}
        exprs = [self.columns[n].cast(pl.String).alias(n) if n in self.columns
                 else pl.lit(None, dtype=pl.String).alias(n) for n in self.names if n not in memo_items]
        issue_exprs = [issue.expr.fill_null(False).alias(f"__iss{i}") for i, issue in enumerate(c.issues)
                       if i not in memo_issues]
        legacy_exprs = [_legacy_text(legacy, self.columns.get(n)).alias(f"__leg{j}") for j, n in enumerate(self.names)]
        keys = [g.input.alias(g.key) for g in self.memo]
        frame = legacy.lazy().select(pl.col(ROW), pl.col(LINE), *exprs, *issue_exprs, *legacy_exprs, *keys).collect()
        pools = list({id(g.pool): g.pool for g in self.memo if g.pool is not None}.values())
        for pool in pools:
            distinct = pl.concat([frame.select(pl.col(g.key).alias(MEMO_KEY)) for g in self.memo if g.pool is pool])
            pool.add(distinct.unique())
        for g in self.memo:
            assert g.pool is not None and g.pool.cache is not None
            # Joined on the key column alone (the table has one row per key, so rows keep their order),
            # then put beside the wide frame: joining the wide frame would copy all of its columns.
            found = frame.select(g.key).join(g.pool.cache, left_on=g.key, right_on=MEMO_KEY, how="left",
                                             nulls_equal=True, maintain_order="left")
            named = [found[f"__out{k}"].alias(e.meta.output_name()) for k, e in enumerate(g.outputs)]
            frame = frame.drop(g.key).hstack(named)
        for pool in pools:
            if pool.cache is not None and pool.cache.height > _MEMO_LIMIT:  # too many distinct values: afresh
                pool.cache = None
        flags = [f"__iss{i}" for i in sorted(memo_issues)]
        if flags:
            frame = frame.with_columns(pl.col(flags).fill_null(False))
        return frame

    # -------------------------------------------------------------- one batch
    def batch(self, legacy: pl.DataFrame) -> None:
        c = self.job.compiled
        clock = _Clock(self.stages)
        if getattr(c, "derived", ()):  # values from other tables of the run: joined in, row order kept
            legacy = c.join_derived(legacy.lazy(), self.tables).collect()  # type: ignore[attr-defined]
            clock("derive")
        frame = self._evaluate(legacy)
        clock("evaluate")
        converted = frame.select(ROW, LINE, *self.names)
        error_rows: dict[int, set[str]] = {}
        item_rows: dict[int, set[str]] = {}

        def note(positions: pl.Series, code: str, item: str | None, severity: str) -> None:
            if severity != "error":
                return
            for p in positions.to_list():
                error_rows.setdefault(p, set()).add(code)
                if item:
                    item_rows.setdefault(p, set()).add(item)

        # Transform issues reported by the compiled mapping. A value the mapping already reported is not
        # reported again by the schema check of the same item (one cause, one finding).
        reported: dict[str, set[int]] = {}
        flags = frame.select(pl.col(f"__iss{i}").any() for i in range(len(c.issues))).row(0) if c.issues else ()
        for i, issue in enumerate(c.issues):
            if not flags[i]:  # one pass over all flags; most issues never occur
                continue
            positions = frame[f"__iss{i}"].arg_true()
            reported.setdefault(issue.item, set()).update(positions.to_list())
            sens = self.collector.sensitive(issue.item) or any(
                r in self.legacy_sensitive for r in _roots(issue.value))
            if f"__issval{i}" in frame.columns:  # a memoized item: its value came with the lookup
                values = frame[positions].select(pl.col(f"__issval{i}").alias("legacy"))
            else:
                values = legacy[positions].select(issue.value.cast(pl.String).alias("legacy"))  # the hit rows only
            hit = frame[positions]
            rows = pl.DataFrame([hit[ROW], hit[LINE], values["legacy"],
                                 (hit[issue.item].cast(pl.String) if issue.item in self.names
                                  else pl.Series([None] * hit.height, dtype=pl.String)).alias("converted")])
            self.collector.add(issue.code, issue.item, issue.code, rows, sensitive=sens,
                               source=self.qualify(issue.source))
            spec = catalogue().get(issue.code)
            note(positions, issue.code, issue.item, spec.severity if spec else "error")
        clock("transform issues")

        # Rules of the legacy layout, on the extract as read (before mapping): reported on its items.
        for rule, ok, source in self.legacy_rules:
            broken = legacy.select(ok.not_().fill_null(False)).to_series().arg_true()
            if broken.len():
                roots = [r for r in dict.fromkeys(_roots(ok)) if r in legacy.columns]
                hit = legacy[broken]
                rows = hit.select(ROW, LINE, pl.concat_str([pl.col(r).cast(pl.String).fill_null("") for r in roots],
                                                           separator=" | ").alias("legacy"),
                                  pl.lit(None, pl.String).alias("converted"))
                self.collector.add("DAT050", rule.item or (roots[0] if roots else None),
                                   f"{rule.kind}({', '.join(rule.items)})", rows, source=source,
                                   sensitive=any(r in self.legacy_sensitive for r in roots))
        clock("legacy rules")

        # The pandera schema of the standard table, every failure collected.
        failures = self._validate(converted)
        clock("screen and pandera")
        if failures is not None and failures.height:
            failures = failures.filter(pl.col("index").is_not_null())
            by = failures.group_by(["column", "check"], maintain_order=True).agg(pl.col("index"))
            for column, check, index in by.iter_rows():
                code = finding_code(check)
                item = column if column in self.names else None
                kept = set(index) - reported.get(item, set()) if item else set(index)
                if not kept:
                    continue
                positions = pl.Series("__pos", sorted(kept), dtype=pl.UInt32)
                if item is None and code == "DAT109":
                    # A cross-item rule names its items: the finding takes the first, the example shows the
                    # legacy values behind all of them and the mapping cells that produced them.
                    involved = [n for n in _rule_items(check) if n in self.names]
                    legs = [pl.col(f"__leg{self.names.index(n)}").fill_null("") for n in involved]
                    rows = frame[positions].select(
                        ROW, LINE, (pl.concat_str(legs, separator=" | ") if legs else pl.lit(None, pl.String))
                        .alias("legacy"), pl.lit(None, dtype=pl.String).alias("converted"))
                    cells = ", ".join(dict.fromkeys(self.collector.sources[n] for n in involved
                                                    if n in self.collector.sources))
                    self.collector.add(code, involved[0] if involved else None, check, rows, source=cells or None,
                                       sensitive=any(self.collector.sensitive(n) for n in involved))
                    note(positions, code, involved[0] if involved else None, catalogue()[code].severity)
                    continue
                leg = f"__leg{self.names.index(item)}" if item else None
                rows = frame[positions].select(
                    ROW, LINE, (pl.col(leg) if leg else pl.lit(None, dtype=pl.String)).alias("legacy"),
                    (pl.col(item) if item else pl.lit(None, dtype=pl.String)).alias("converted"))
                if item is None:  # a frame-wide rule: no single value to show
                    rows = rows.with_columns(pl.lit(None, dtype=pl.String).alias("converted"))
                self.collector.add(code, item, check, rows, source=self.collector.sources.get(item or ""))
                note(positions, code, item, catalogue()[code].severity)
        clock("schema findings")

        # 外字 still in the output: counted per character for the 外字 list.
        text_cols = [n for n in self.names if self.table.item(n).type == "string"
                     and self.table.item(n).charset not in ("digits", "alnum")]
        if text_cols:
            # One vectorised test first: most batches hold no 外字 at all, and then nothing else is done.
            has_pua = converted.select(pl.any_horizontal(pl.col(n).str.contains(PUA_RE) for n in text_cols)
                                       .fill_null(False).alias("pua")).to_series()
            if has_pua.any():
                with_pua = converted.filter(has_pua)
                pua = pl.concat([with_pua.select(pl.col(n).str.extract_all(PUA_RE).alias("ch")).explode("ch")
                                 for n in text_cols]).drop_nulls()  # per column: a null item must not hide others
                if pua.height:
                    self.gaiji.update(dict(pua.group_by("ch").len().iter_rows()))
        clock("gaiji count")

        bad = sorted(error_rows)
        mask = pl.Series("bad", [False] * converted.height)
        if bad:
            mask = mask.scatter(bad, True)
        good = converted.filter(~mask)
        self.rows_out += good.height
        self.rows_rejected += len(bad)
        if self._out_fh is not None and good.height:
            good.select(self.names).write_csv(self._out_fh, include_header=False)
        if bad:
            rej = converted[pl.Series(bad, dtype=pl.UInt32)].select(ROW, LINE, *self._reject_columns()).with_columns(
                pl.Series("codes", [" ".join(sorted(error_rows[p])) for p in bad], dtype=pl.String),
                pl.Series("items", [" ".join(sorted(item_rows.get(p, ()))) for p in bad], dtype=pl.String))
            self._write_rejects(rej)
        clock("write outputs")
        self._keep_keys(legacy, converted, mask)
        clock("keep keys")

    def _validate(self, frame: pl.DataFrame) -> pl.DataFrame | None:
        """Pandera's failure cases (``index`` = position in ``frame``), every failure collected.

        Every check of the schema is a row-level polars expression, so the rows that pass all of them are
        found first in one polars pass (the screen); pandera then validates only the other rows, and its
        failure cases are mapped back to positions in ``frame``. Without a screen, pandera sees every row.
        """
        if self.screen is None:
            return self._pandera(frame)
        ok = frame.select(self.screen).to_series()
        if ok.all():
            return None
        positions = ok.not_().arg_true()
        failures = self._pandera(frame[positions])
        if failures is None:
            return None
        index = failures["index"]
        gathered = positions.gather(index.fill_null(0).cast(pl.UInt32)).cast(pl.Int64)
        mapped = pl.select(pl.when(index.is_not_null()).then(gathered).alias("index")).to_series()
        return failures.with_columns(mapped)

    def _pandera(self, frame: pl.DataFrame) -> pl.DataFrame | None:
        try:
            self.schema.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            return exc.failure_cases
        except pa.errors.SchemaError as exc:  # pragma: no cover - lazy=True collects, kept for safety
            return exc.failure_cases
        return None

    def _keep_keys(self, legacy: pl.DataFrame, converted: pl.DataFrame, rejected: pl.Series) -> None:
        """Keep what the cross-table checks and the reconciliation need: keys and reference items only."""
        wanted = set(self.table.key) | {i.name for i in self.table.items if i.references} | set(_HOUSEHOLD_ITEMS)
        wanted |= set(_recon_items(self.job.compiled))
        cols = [n for n in self.names if n in wanted]
        # Compact while the file is read: row/line as Int32, codes as categoricals, the legacy key only where
        # it differs from the standard key (key_frame() restores the plain form).
        ids = set(self.table.key) | {i.name for i in self.table.items if i.references}
        keep = converted.select(pl.col(ROW, LINE).cast(pl.Int32), *[
            pl.col(n) if n in ids else pl.col(n).cast(pl.Categorical) for n in cols]).with_columns(
            rejected.alias("__rejected"))
        lk = _legacy_key(self.job.compiled)
        if lk and lk[0] in legacy.columns:
            key = legacy[lk[0]].str.strip_chars()
            if lk[1] in converted.columns:
                key = pl.select(pl.when(key.ne_missing(converted[lk[1]])).then(key)).to_series()
            keep = keep.with_columns(key.alias("__legacy_key"))
        self.keys.append(keep)

    # -------------------------------------------------------------- whole table
    def run(self) -> TableRun:
        t0 = time.perf_counter()
        self._open_outputs()
        try:
            for legacy in prefetch(_timed(self.reader.batches(), self.stages, "read (reader thread)")):
                self.batch(legacy)
                if self.options.progress:
                    self.options.progress(legacy.height)
        finally:
            # Unreadable records are rejects too (with their line and code), so counts reconcile.
            bad = self.reader.issues.bad_rows
            self.rows_rejected += len(bad)
            if bad and self.rejects is not None:
                self._write_rejects(pl.DataFrame({ROW: [b[0] for b in bad], LINE: [b[1] for b in bad]},
                                                 schema={ROW: pl.Int64, LINE: pl.Int64}).with_columns(
                    *[pl.lit(None, dtype=pl.String).alias(k) for k in self._reject_columns()],
                    pl.Series("codes", [b[2] for b in bad], dtype=pl.String), pl.lit("", dtype=pl.String).alias("items")))
            self._close()
        return TableRun(self.job, self.reader.rows, self.rows_out, self.rows_rejected, self.reader.checksum,
                        self.reader.encoding, self.output, self.rejects, time.perf_counter() - t0)

    def key_frame(self) -> pl.DataFrame:
        """The kept key columns of every batch, still compact: codes are categoricals, ``__legacy_key`` is
        null where it equals the standard key (``reconcile`` fills it in)."""
        if not self.keys:
            return pl.DataFrame()
        return pl.concat(self.keys, how="vertical_relaxed", rechunk=False)  # no copy of the pieces


_HOUSEHOLD_ITEMS = ("世帯番号", "続柄コード1", "住民状態")
HOUSEHOLD_HEAD = "02"  # 続柄 code of 世帯主 in the standard
CURRENT_RESIDENT = "1"  # 住民状態 住登者


def prefetch(batches: Iterator[pl.DataFrame]) -> Iterator[pl.DataFrame]:
    """Read the next batch in a thread while this one is converted (polars releases the GIL as it works).

    At most one batch waits, so memory stays bounded; an error of the reader is raised here.
    """
    slot: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def work() -> None:
        try:
            for batch in batches:
                while not stop.is_set():
                    try:
                        slot.put(("batch", batch), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            slot.put(("end", None))
        except BaseException as exc:  # handed to the consumer
            slot.put(("error", exc))

    thread = threading.Thread(target=work, name="extract-reader", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = slot.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        while thread.is_alive():
            try:
                slot.get_nowait()
            except queue.Empty:
                thread.join(0.05)


class _Grab:
    """Stands in for a LazyFrame: ``select(expr)`` hands back the expression a check builds."""

    def __init__(self, key: str | None) -> None:
        self.lazyframe = self
        self.key = key

    def select(self, *exprs: Any) -> Any:
        if len(exprs) != 1 or not isinstance(exprs[0], pl.Expr):
            raise TypeError("not a single expression")
        return exprs[0]


def screen_expr(schema: pa.DataFrameSchema) -> pl.Expr | None:
    """One boolean expression, True where a row passes every check of ``schema`` (None: cannot screen).

    A null check result counts as a failure here, so such rows are left to pandera to judge.
    """
    parts: list[pl.Expr] = []
    try:
        for name, column in schema.columns.items():
            if not column.nullable:
                parts.append(pl.col(name).is_not_null())
            for check in column.checks:
                parts.append(check._check_fn(_Grab(name)))
        for check in schema.checks or ():
            parts.append(check._check_fn(_Grab(None)))
    except Exception:  # a check that is not one polars expression: let pandera see every row
        return None
    if not parts:
        return None
    return pl.all_horizontal([p.fill_null(False) for p in parts]).alias("__ok")


def _legacy_places(compiled: Compiled) -> dict[str, tuple[str | None, str | None]]:
    """Standard item → (legacy column(s), byte range(s) when fixed-width), from the items its value reads."""
    legacy = compiled.legacy
    if legacy is None:
        return {}
    out: dict[str, tuple[str | None, str | None]] = {}
    for name, expr in compiled.columns.items():
        items = [legacy.item(r) for r in dict.fromkeys(_roots(expr)) if legacy.has_item(r)]
        if not items:
            continue
        column = ", ".join(i.column or i.name for i in items)
        spans = [f"{i.start}-{i.start + i.length - 1}" for i in items if i.start is not None and i.length]
        out[name] = (column, ", ".join(spans) if len(spans) == len(items) else None)
    return out


def _derived_tables(job: Job, jobs: Sequence[Job], options: RunOptions
                    ) -> tuple[dict[str, pl.LazyFrame], list[Finding]]:
    """The other legacy tables ``job``'s mapping derives values from, read from the run's other extracts.

    Only the columns the joins use are kept. A table no job of the run reads is a DAT051 error (its
    derived values stay empty, so required items then fail row by row)."""
    needs = getattr(job.compiled, "needs", ())
    tables: dict[str, pl.LazyFrame] = {}
    findings: list[Finding] = []
    for name in needs:
        other = next((j for j in jobs if j.compiled.legacy is not None and j.compiled.legacy.name == name), None)
        if other is None:
            findings.append(make_finding("DAT051", Location(file=str(job.extract)), table=name, mapping=job.name))
            continue
        wanted = {c for d in job.compiled.derived if d.table == name  # type: ignore[attr-defined]
                  for c in (d.on, d.value) if c}
        enc = options.encoding or getattr(other.compiled.mapping, "encoding", None)
        reader = ExtractReader(other.extract, other.compiled.legacy, ReadOptions(encoding=enc,
                                                                                 batch_rows=options.batch_rows))
        parts = [b.select(sorted(wanted)) for b in reader.batches()]
        tables[name] = pl.concat(parts).lazy() if parts else pl.LazyFrame(schema={c: pl.String for c in wanted})
    return tables, findings


def _rule_items(check: str) -> list[str]:
    """The items of a rule check's label: ``rule:required_if(消除の異動年月日, 住民状態)`` → both names."""
    inside = check.partition("(")[2].rpartition(")")[0]
    return [n.strip() for n in inside.split(",") if n.strip()]


def _legacy_rules(job: Job) -> list[tuple[Any, pl.Expr, str]]:
    """The legacy layout's rules as (rule, expression over the extract, ``schema file:line``)."""
    from migrator.validation.pandera_schema import rule_expr

    table = job.compiled.legacy
    if table is None:
        return []
    path = getattr(job.legacy_schema, "path", None)
    out = []
    for rule in table.rules:
        if not all(table.has_item(n) for n in rule.items):
            continue
        expr = rule_expr(rule, table)
        if expr is not None:
            out.append((rule, expr, f"{path}:{rule.line}" if path else f"line {rule.line}"))
    return out


def _roots(expr: pl.Expr) -> list[str]:
    try:
        return list(expr.meta.root_names())
    except Exception:
        return []


def _legacy_key(compiled: Compiled) -> tuple[str, str] | None:
    """(legacy item, standard item) of the reconciliation key: 照合キー, else the standard key's source."""
    settings = getattr(compiled.mapping, "settings", {}) or {}
    text = (settings.get("照合キー") or "").strip()
    if text:
        legacy, _, standard = text.partition("=")
        return legacy.strip(), (standard.strip() or legacy.strip())
    if len(compiled.standard.key) != 1:
        return None
    std = compiled.standard.key[0]
    expr = compiled.columns.get(std)
    roots = _roots(expr) if expr is not None else []
    return (roots[0], std) if len(roots) == 1 else None


def _recon_items(compiled: Compiled) -> list[str]:
    return [item for _, item, _ in recon_totals(compiled)[0]]


def recon_totals(compiled: Compiled) -> tuple[list[tuple[str, str, str]], list[str]]:
    """The 照合集計 setting resolved to standard items: [(measure, standard item, as written)], unreadable parts.

    An item may be written by its standard name or by the legacy item it is converted from (the first
    standard item, in schema order, whose expression reads only that legacy item).
    """
    totals, bad = parse_totals((getattr(compiled.mapping, "settings", {}) or {}).get("照合集計"))
    names = list(compiled.standard.item_names)
    out = []
    for measure, item in totals:
        target = item
        if item not in names:
            target = next((n for n in names if n in compiled.columns
                           and list(dict.fromkeys(_roots(compiled.columns[n]))) == [item]), item)
        out.append((measure, target, item))
    return out, bad


_MEASURES = {"件数": "count", "count": "count", "合計": "sum", "sum": "sum"}


def parse_totals(text: str | None) -> tuple[list[tuple[str, str]], list[str]]:
    """``件数:住民状態; 合計:税額`` → [("count", "住民状態"), ("sum", "税額")], plus unreadable parts.

    A bare item (``住民状態``) means a count per group."""
    out, bad = [], []
    for part in (text or "").replace("；", ";").replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        measure, colon, item = part.replace("：", ":").partition(":")
        if not colon:  # a bare item: count per group
            measure, item = "件数", measure
        if measure.strip() in _MEASURES and item.strip():
            out.append((_MEASURES[measure.strip()], item.strip()))
        else:
            bad.append(part)
    return out, bad


def run_jobs(jobs: Sequence[Job], options: RunOptions | None = None, *, title: str = "mapping run") -> RunResult:
    """Run every job (one extract each), then the cross-table checks and, if asked, the reconciliation."""
    from migrator.validation.crosscheck import cross_table_findings
    from migrator.validation.reconcile import reconcile

    options = options or RunOptions()
    started = time.perf_counter()
    findings: list[Finding] = []
    runs: list[TableRun] = []
    runners: list[_TableRunner] = []
    taken: set[str] = set()
    for job in jobs:
        tables, missing = _derived_tables(job, jobs, options)
        findings += missing
        stem = None
        if options.out_dir is not None:
            stem, renamed = output_stem(job.name, options.out_dir, taken)
            findings += renamed
        runner = _TableRunner(job, options, qualify=len(jobs) > 1, tables=tables, stem=stem)
        result = runner.run()
        runners.append(runner)
        runs.append(result)
        findings += runner.reader.findings
        findings += runner.collector.findings(result.rows_in)
    timings: dict[str, float] = {r.job.name: round(t.seconds, 3) for r, t in zip(runners, runs, strict=True)}
    key_frames = []
    for r in runners:
        key_frames.append(r.key_frame())
        r.keys.clear()  # the compact per-batch pieces are not needed any more
    t0 = time.perf_counter()
    findings += cross_table_findings([(r.job, k) for r, k in zip(runners, key_frames, strict=True)], options)
    timings["cross-table"] = round(time.perf_counter() - t0, 3)
    if options.reconcile:
        t0 = time.perf_counter()
        for result, keys in zip(runs, key_frames, strict=True):
            findings += reconcile(result, keys, options)
        timings["reconcile"] = round(time.perf_counter() - t0, 3)
    if options.show_values:
        findings.append(make_finding("DAT901"))
    gaiji: Counter[str] = Counter()
    for r in runners:
        gaiji.update(r.gaiji)
    timings["total"] = round(time.perf_counter() - started, 3)
    summary: dict[str, Any] = {
        "rows_in": sum(r.rows_in for r in runs), "rows_out": sum(r.rows_out for r in runs),
        "rows_rejected": sum(r.rows_rejected for r in runs),
        "input_checksums": {str(r.job.extract): f"sha256:{r.checksum}" for r in runs},
        "encodings": {str(r.job.extract): r.encoding for r in runs},
        "timings_s": timings,
        "stages_s": {name: round(sum(r.stages[name] for r in runners), 3)
                     for name in dict.fromkeys(n for r in runners for n in r.stages)},
    }
    report = Report.of(title, findings, subject=", ".join(str(j.extract) for j in jobs), summary=summary)
    outputs = tuple(p for r in runs for p in (r.output, r.rejects) if p is not None)
    if options.parquet and options.out_dir is not None:
        extra = []
        for table_run in runs:
            if table_run.output is not None:
                target = table_run.output.with_suffix(".parquet")
                _create_private(target)
                pl.scan_csv(table_run.output, infer_schema=False).sink_parquet(target)
                extra.append(target)
        outputs += tuple(extra)
    table = tuple((ch, f"U+{ord(ch):04X}", n) for ch, n in sorted(gaiji.items(), key=lambda kv: (-kv[1], kv[0])))
    return RunResult(report, tuple(runs), outputs, table)


def load_job(workbook: Path, extract: Path, *, registry: Any = None,
             layouts: Sequence[str] = ()) -> tuple[Job | None, list[Finding]]:
    """Load and compile one mapping (``migrator.mapping``) and bind it to an extract.

    ``layouts``: legacy tables to read the extract with instead of the mapping's 現行テーブル, when its legacy
    schema has one of them (one mapping for the same items delivered as CSV and as fixed-width); the mapping
    is checked against that table. Returns ``(None, findings)`` when the mapping has errors: a broken
    mapping is not run.
    """
    import dataclasses

    from migrator import mapping as mp
    from migrator.schema import SchemaRegistry

    registry = registry or SchemaRegistry.load()
    mapping, findings = mp.load_mapping(Path(workbook))
    if mapping is None or any(f.severity == "error" for f in findings):
        return None, list(findings)
    legacy_schema = mp.resolve_schema(registry, mapping.legacy_schema) if mapping.legacy_schema else None
    chosen = next((t for t in layouts if legacy_schema is not None and t in legacy_schema.table_names), None)
    if chosen is not None and chosen != mapping.legacy_table:
        mapping = dataclasses.replace(mapping, legacy_table=chosen, settings={**mapping.settings, "現行テーブル": chosen})
    check = mp.check_mapping(mapping, registry=registry)
    if not check.valid:
        return None, [*findings, *check.findings]
    compiled = mp.compile_mapping(mapping, registry=registry)
    standard = registry.get(mapping.standard_schema)
    legacy = registry.get(mapping.legacy_schema) if mapping.legacy_schema else None
    return Job(compiled, Path(extract), standard, legacy), [f for f in findings if f.severity != "info"]


def run_mapping_files(pairs: Sequence[tuple[Path, Path]], options: RunOptions | None = None, *,
                      registry: Any = None) -> RunResult:
    """Run each (mapping workbook, extract) pair as one run; mapping errors stop the run with a report.

    The standard schemas are checked under ``options.profile`` (see :func:`migrator.schema.apply_profile`).
    """
    from migrator.schema import SchemaRegistry

    profile = options.profile if options is not None else "standard"
    registry = (registry or SchemaRegistry.load()).with_profile(profile)
    jobs: list[Job] = []
    findings: list[Finding] = []
    for workbook, extract in pairs:
        job, found = load_job(workbook, extract, registry=registry, layouts=(options.layouts if options else ()))
        findings += found
        if job is not None:
            jobs.append(job)
    if len(jobs) < len(pairs):
        return RunResult(Report.of("mapping run", findings, subject=", ".join(str(w) for w, _ in pairs)), (), (), ())
    result = run_jobs(jobs, options)
    # The report says which rules it checked: the standard's own, or a municipality's stricter profile.
    report = Report.of(result.report.title, [*findings, *result.report.findings], subject=result.report.subject,
                       summary={**result.report.summary, "profile": profile})
    return RunResult(report, result.tables, result.outputs, result.gaiji)
