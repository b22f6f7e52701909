"""The validation engine's core: one compiled mapping, one batch of an extract → what that batch gives.

:class:`BatchEngine` takes a job (compiled mapping, schemas) and, batch by batch, an all-text frame of legacy
records (with ``__row``/``__line``, the record and physical line numbers in the extract): it evaluates the
compiled columns and the transform-issue expressions in one lazy pass, screens and validates the converted
rows with the pandera (polars) schema of the standard table, aggregates the failures per (code, item) with
masked examples, and returns the rows to write, the rejects and the key columns the cross-table checks and
the reconciliation need. It opens no file, starts no thread and prints nothing, so a runner may call it in
this process (``run.py``) or on the executors of a cluster (``spark.py``); an engine and its findings so far
pickle, and :meth:`BatchEngine.merge` adds the findings of another engine of the same job (a later split).
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import polars as pl

from migrator.catalogue import catalogue
from migrator.location import Location
from migrator.mapping.compiler import MEMO_KEY, Memo
from migrator.report import Example, Finding, make_finding
from migrator.schema import CodeTable, Table
from migrator.validation.checks import PUA_RE, NotOnePass, OnePass, build_schema, failure_cases, finding_code
from migrator.validation.pandera_polars import pa
from migrator.validation.pandera_schema import check_text
from migrator.validation.types import (
    HOUSEHOLD_ITEMS,
    LINE,
    ROW,
    Compiled,
    ExtractPlaces,
    Job,
    RunOptions,
    legacy_key,
    recon_items,
)
from migrator.validation.types import roots as _roots


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
        self.places: dict[str, tuple[str | None, str | None, tuple[str, ...]]] = {}
        # How the extract names a record's place: its lines, or (Excel) its sheet's cells; the runner gives
        # the reader's own, which knows the sheet's columns once the header is read.
        self.extract = ExtractPlaces(file)

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
                column, span, roots = self.places.get(item or "", (item, None, ()))
                agg.examples.append(Example(
                    self.extract.point(Location(file=self.file, line=r[LINE], row=r[ROW], column=column, bytes=span),
                                       r[LINE], roots),
                    maybe_mask(r.get("legacy"), sensitive=agg.sensitive, show_values=self.options.show_values),
                    maybe_mask(r.get("converted"), sensitive=agg.sensitive, show_values=self.options.show_values),
                ))

    def merge(self, other: _Collector) -> None:
        """Add the aggregates of ``other`` (the same table, later rows): counts add up, examples follow on."""
        for key, theirs in other.aggs.items():
            mine = self.aggs.get(key)
            if mine is None:
                mine = self.aggs[key] = _Agg(theirs.code, theirs.item, theirs.source, theirs.sensitive,
                                             theirs.check, severity=theirs.severity)
            mine.count += theirs.count
            room = self.options.examples - len(mine.examples)
            if room > 0:
                mine.examples.extend(theirs.examples[:room])

    def findings(self, total_rows: int) -> list[Finding]:
        out = []
        for agg in self.aggs.values():
            first = agg.examples[0].location if agg.examples else Location(file=self.file)
            value = None
            if agg.examples:
                first_example = agg.examples[0]
                value = first_example.converted if first_example.converted is not None else first_example.value
            # The check as each message's language says it; the label (agg.check) stays the key of the finding.
            params: dict[str, Any] = {"check": check_text(agg.check, "en"), "check_ja": check_text(agg.check, "ja")}
            spec = catalogue().get(agg.code)
            code = agg.code if spec else "DAT111"
            if spec is None:
                params = {k: f"{agg.code} {v}" for k, v in params.items()}
            needed = catalogue()[code].params
            extra = {k: v for k, v in {"table": self.table.name, "key": tuple(self.table.key),
                                       "target": agg.check, "heads": agg.check, "what": agg.check}.items()
                     if k in needed}
            out.append(make_finding(
                code, first, item=agg.item, value=value, severity=agg.severity if spec is None else None,  # type: ignore[arg-type]
                count=agg.count, share=round(agg.count / total_rows, 6) if total_rows else None,
                examples=tuple(agg.examples), source=agg.source, **{**params, **extra}))
        return out



def _legacy_text(columns: Collection[str], expr: pl.Expr | None) -> pl.Expr:
    """The legacy value(s) behind a converted item: its expression's input columns (of ``columns``, the
    batch's), joined by ' | '."""
    if expr is None:
        return pl.lit(None, dtype=pl.String)
    try:
        roots = [r for r in dict.fromkeys(expr.meta.root_names()) if r in columns]
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



_MEMO_LIMIT = 250_000  # per-value results kept per pool of memoized pipes (then afresh: bounds memory)
_SEEN: Final = "__seen"  # in a memo pool: True on every value it holds
_IN_MEMORY: Final = "in-memory"  # a batch is in memory: polars' streaming engine only adds a fixed cost per query


class _MemoPool:
    """Per-value results of memoized pipes (columns ``__out0``, ``__out1`` … by ``MEMO_KEY``), kept across
    batches.

    The pipes of items that read the same kind of value share a pool: the same pipes (``trim | gaiji`` over
    氏名, 旧氏, 通称), or pipes over the same 和暦 parse (a date, its 不詳 flag and 不詳 text, and the other
    dates parsed by the same policy). A pool's outputs are the union of its pipes', an output written twice
    kept once; a new value is evaluated once for all of them, and each 和暦 parse is planned once for a batch
    that holds new values (not at all for one that holds none).
    """

    def __init__(self) -> None:
        self.bare: list[pl.Expr] = []  # to compare pipes (not to run: it drops inner aliases)
        self.outputs: list[pl.Expr] = []
        # 和暦 parses the outputs read as columns (named by their content): computed once per value first
        self.parses: dict[str, pl.Expr] = {}
        self.cache: pl.DataFrame | None = None
        # Checks of the standard table that read only one memoized item: judged once per value, here.
        self.checks: list[tuple[str, str, pl.Expr]] = []  # (item, pool column of its value, failed flag)

    def check(self, item: str, value: str, failed: pl.Expr) -> str:
        """The pool's column holding ``failed`` (a check's flag over ``pl.col(item)``) for ``item``'s value."""
        self.checks.append((item, value, failed))
        return f"__chk{len(self.checks) - 1}"

    def column(self, output: pl.Expr) -> str:
        """The pool's column holding ``output`` (added unless an equal output is already there)."""
        bare = output.meta.undo_aliases()
        for k, known in enumerate(self.bare):
            if known.meta.eq(bare):
                return f"__out{k}"
        self.bare.append(bare)
        self.outputs.append(output.alias(f"__out{len(self.outputs)}"))
        return self.outputs[-1].meta.output_name()

    def new_values(self, keys: pl.LazyFrame) -> pl.LazyFrame:
        """The pipes' results for the values of ``keys`` (distinct, one ``MEMO_KEY`` column)."""
        if self.parses:
            keys = keys.with_columns(e.alias(name) for name, e in self.parses.items())
        found = keys.select(pl.col(MEMO_KEY), *self.outputs)
        if self.checks:
            items = dict.fromkeys((item, value) for item, value, _ in self.checks)
            found = found.with_columns(pl.col(value).alias(item) for item, value in items).with_columns(
                failed.alias(f"__chk{n}") for n, (_, _, failed) in enumerate(self.checks)).drop(
                [item for item, _ in items])
        return found

    def add(self, found: pl.DataFrame) -> None:
        found = found.with_columns(pl.lit(True).alias(_SEEN))  # what a lookup that finds the value gets
        self.cache = found if self.cache is None else pl.concat([self.cache, found])

    def lookup(self, key: pl.Series, columns: Collection[str], among: pl.DataFrame | None = None) -> pl.DataFrame:
        """The pool's ``columns`` for each value of ``key`` (row order kept), and ``_SEEN``: null where the
        value is not in the pool yet. A join on the key column alone (the pool has one row per value).

        ``among``: some of the pool's values (one row per value, without ``_SEEN``) to look in instead."""
        assert self.cache is not None
        source = self.cache if among is None else among.with_columns(pl.lit(True).alias(_SEEN))
        wanted = source.select(MEMO_KEY, *dict.fromkeys(columns), _SEEN)
        if key.len() and key.null_count() == key.len():  # blank on every row: one value, repeated
            blank = wanted.filter(pl.col(MEMO_KEY).is_null())
            if blank.height == 1:
                return blank.drop(MEMO_KEY).select(pl.all().gather(pl.zeros(key.len(), dtype=pl.UInt32)))
        return key.to_frame().join(wanted, left_on=key.name, right_on=MEMO_KEY, how="left", nulls_equal=True,
                                   maintain_order="left")


@dataclass
class _MemoGroup:
    """Memoized items reading the same legacy value, and the pool their per-value results are kept in."""

    input: pl.Expr
    key: str
    pool: _MemoPool
    columns: dict[str, str] = field(default_factory=dict)  # frame column (item, ``__iss{i}``) → pool column
    issue_values: dict[int, str] = field(default_factory=dict)  # issue → pool column of its legacy value
    items: set[str] = field(default_factory=set)
    issues: set[int] = field(default_factory=set)
    parses: dict[str, pl.Expr] = field(default_factory=dict)
    outputs: list[tuple[str, pl.Expr]] = field(default_factory=list)  # (frame column, output), before pooling


@dataclass
class Partial:
    """What an engine found over some batches, small enough to send from one process to another."""

    aggs: dict[tuple[str, str | None, str], _Agg]
    rows_out: int
    rows_rejected: int
    gaiji: Counter[str]
    stages: dict[str, float]
    keys: pl.DataFrame | None  # the compact key columns (None: not sent)


@dataclass
class BatchOut:
    """What one batch gives a runner to write: the converted rows that passed, and the rejects."""

    good: pl.DataFrame  # the standard items (text), in the extract's order
    rejects: pl.DataFrame | None  # __row, __line, the non-sensitive key items, codes, items
    rows: pl.Series | None = None  # the record numbers (__row) of ``good``


class BatchEngine:
    """Converts and validates one job's batches; keeps its findings, 外字 counts and key columns so far."""

    def __init__(self, job: Job, options: RunOptions, *, qualify: bool = False,
                 tables: dict[str, pl.LazyFrame] | None = None, places: ExtractPlaces | None = None) -> None:
        """``places``: the reader's :class:`ExtractPlaces` (an Excel extract's findings name its cells)."""
        self.job = job
        self.tables = tables or {}  # other legacy tables the mapping derives values from (lookup, count)
        self.options = options
        c = job.compiled
        self.table = c.standard
        self.code_tables: dict[str, CodeTable] = dict(job.standard_schema.code_tables)
        self.schema = build_schema(self.table, self.code_tables)
        self.screen = screen_expr(self.schema)
        try:  # the schema's checks as one polars pass (pandera itself only where a check is not one expression)
            self.one_pass: OnePass | None = OnePass(self.schema)
        except NotOnePass:
            self.one_pass = None
        self.names = list(self.table.item_names)
        self.columns = {n: c.columns[n] for n in self.names if n in c.columns}
        # In a run of several workbooks a cell (項目対応!D3) names its workbook too.
        self.book = Path(str(getattr(c.mapping, "path", "") or "")).name if qualify else ""
        self.collector = _Collector(self.table, {k: self.qualify(v) for k, v in c.sources.items()},
                                    str(job.extract), options)
        self.memo = self._memo_groups()
        self.judged = self._memo_checks()  # one-pass checks judged per value in the memo pools
        self.legacy_rules = _legacy_rules(job)
        self.stages: defaultdict[str, float] = defaultdict(float)  # seconds per stage of the batches
        self.legacy_sensitive = {i.name for i in (c.legacy.items if c.legacy else ()) if i.sensitive}
        self.collector.derived_sensitive = {
            name for name, expr in c.columns.items() if any(r in self.legacy_sensitive for r in _roots(expr))}
        self.collector.places = _legacy_places(c)
        if places is not None:
            self.collector.extract = places
        self.rows_out = 0
        self.rows_rejected = 0
        self.keys: list[pl.DataFrame] = []
        self.gaiji: Counter[str] = Counter()

    def qualify(self, cell: str) -> str:
        return f"{self.book} {cell}" if self.book and "!" in cell else cell

    def point(self, location: Location, sheet_row: int | None, item: str | None) -> Location:
        """``location`` of a record, with the cell of standard ``item``'s value when the extract is a workbook."""
        return self.collector.extract.point(location, sheet_row, self.collector.places.get(item or "", (None, None, ()))[2])

    def reject_columns(self) -> list[str]:
        """The items a rejects file shows beside the row: the key items that are not personal data."""
        return [k for k in self.table.key if not self.table.item(k).sensitive]

    def findings(self, total_rows: int) -> list[Finding]:
        """The aggregated findings of every batch so far (``total_rows``: the rows the shares are of)."""
        return self.collector.findings(total_rows)

    def partial(self, *, keys: bool = True) -> Partial:
        """What this engine found so far, to merge into another engine of the same job (:meth:`merge`)."""
        return Partial(dict(self.collector.aggs), self.rows_out, self.rows_rejected, Counter(self.gaiji),
                       dict(self.stages), self.key_frame() if keys else None)

    def merge(self, other: Partial) -> None:
        """Add what another engine of the same job found over the batches after these (a later split)."""
        theirs = _Collector(self.table, {}, self.collector.file, self.options)
        theirs.aggs = other.aggs
        self.collector.merge(theirs)
        self.rows_out += other.rows_out
        self.rows_rejected += other.rows_rejected
        if other.keys is not None and other.keys.height:
            self.keys.append(other.keys)
        self.gaiji.update(other.gaiji)
        for name, seconds in other.stages.items():
            self.stages[name] += seconds

    def key_frame(self) -> pl.DataFrame:
        """The kept key columns of every batch, still compact: codes are categoricals, ``__legacy_key`` is
        null where it equals the standard key (``reconcile`` fills it in)."""
        if not self.keys:
            return pl.DataFrame()
        return pl.concat(self.keys, how="vertical_relaxed", rechunk=False)  # no copy of the pieces

    # -------------------------------------------------------------- one batch
    def _memo_groups(self) -> list[_MemoGroup]:
        """The memoized items (和暦, dates, kana, 外字, regex) grouped by the legacy value they read, with their
        issues, and the pools of per-value results the groups share (see :class:`_MemoPool`)."""
        c = self.job.compiled
        memos: dict[str, Memo] = dict(getattr(c, "memos", None) or {})
        groups: list[_MemoGroup] = []
        for name in self.names:
            memo = memos.get(name)
            if memo is None or name not in self.columns:
                continue
            group = next((g for g in groups if g.input.meta.eq(memo.input)), None)
            if group is None:
                group = _MemoGroup(memo.input, f"__memo{len(groups)}", _MemoPool())
                groups.append(group)
            # The shared form when the pipe parses 和暦: each parse planned and run once for all outputs.
            shared_value = getattr(memo, "shared_value", None)
            shared = shared_value is not None
            group.outputs.append((name, (shared_value if shared_value is not None else memo.value).cast(pl.String)))
            if shared:
                group.parses.update(memo.parses)
            group.items.add(name)
            for i, issue in enumerate(c.issues):
                if issue.item == name and issue.memo is not None:
                    flag, value = (memo.shared_issues if shared else memo.issues)[issue.memo]
                    group.outputs += [(f"__iss{i}", flag.cast(pl.Boolean)), (f"__issval{i}", value)]
                    group.issues.add(i)
        # Groups share a pool when their pipes are the same or read the same 和暦 parse (union-find).
        parent = list(range(len(groups)))

        def root(k: int) -> int:
            while parent[k] != k:
                parent[k] = parent[parent[k]]
                k = parent[k]
            return k

        def same_pipes(a: _MemoGroup, b: _MemoGroup) -> bool:
            return len(a.outputs) == len(b.outputs) and all(
                x.meta.undo_aliases().meta.eq(y.meta.undo_aliases())
                for (_, x), (_, y) in zip(a.outputs, b.outputs, strict=True))

        for j, b in enumerate(groups):
            for i, a in enumerate(groups[:j]):
                if set(a.parses) & set(b.parses) or same_pipes(a, b):
                    parent[root(j)] = root(i)
        pools: dict[int, _MemoPool] = {}
        for k, group in enumerate(groups):
            group.pool = pools.setdefault(root(k), group.pool)
            group.pool.parses.update(group.parses)
            for column, output in group.outputs:
                if column.startswith("__issval"):
                    group.issue_values[int(column.removeprefix("__issval"))] = group.pool.column(output)
                else:
                    group.columns[column] = group.pool.column(output)
        return groups

    def _memo_checks(self) -> set[int]:
        """Put into the memo pools the one-pass checks that read a memoized item and nothing else: a value
        proven clean once is not checked again on every row that holds it. Returns the checks so judged."""
        if self.one_pass is None:
            return set()
        group_of = {item: g for g in self.memo for item in g.items}
        judged: set[int] = set()
        for k, ((column, _), failed) in enumerate(zip(self.one_pass.named, self.one_pass.exprs, strict=True)):
            g = group_of.get(column)
            try:
                roots = set(failed.meta.root_names())
            except Exception:  # an expression polars cannot introspect: checked on the rows
                continue
            if g is None or roots != {column} or column not in g.columns:
                continue
            g.columns[f"__c{k}"] = g.pool.check(column, g.columns[column], failed)
            judged.add(k)
        return judged

    def _pools(self) -> list[_MemoPool]:
        return list({id(g.pool): g.pool for g in self.memo}.values())

    def _evaluate(self, legacy: pl.DataFrame) -> pl.DataFrame:
        """The converted items, issue flags, legacy texts and legacy rule flags of one batch.

        One query computes the batch's columns, with the input value of each group of memoized items; the
        groups' values are looked up in their pools (a join on the key column alone); a second query computes
        the pools' results for the values the lookups missed, when there are any, and only those groups are
        looked up again (the results are those of the compiled expressions).
        """
        c = self.job.compiled
        memo_items = {n for g in self.memo for n in g.items}
        memo_issues = {i for g in self.memo for i in g.issues}
        exprs = [self.columns[n].cast(pl.String).alias(n) if n in self.columns
                 else pl.lit(None, dtype=pl.String).alias(n) for n in self.names if n not in memo_items]
        issue_exprs = [issue.expr.fill_null(False).alias(f"__iss{i}") for i, issue in enumerate(c.issues)
                       if i not in memo_issues]
        present = set(legacy.columns)  # once: a frame's column list is made afresh on every access
        legacy_exprs = [_legacy_text(present, self.columns.get(n)).alias(f"__leg{j}") for j, n in enumerate(self.names)]
        rule_exprs = [ok.not_().fill_null(False).alias(f"__rule{k}") for k, (_, ok, _) in enumerate(self.legacy_rules)]
        keys = [g.input.alias(g.key) for g in self.memo]
        frame = legacy.lazy().select(pl.col(ROW), pl.col(LINE), *exprs, *issue_exprs, *legacy_exprs, *rule_exprs,
                                     *keys).collect(engine=_IN_MEMORY)
        pools = self._pools()
        for pool in pools:
            if pool.cache is not None and pool.cache.height > _MEMO_LIMIT:  # too many distinct values: afresh
                pool.cache = None
        # Each group's values are looked up in its pool; the values a lookup misses are the ones not seen
        # before. The pipes run on those alone, once per distinct value, and only when there are some:
        # planning a pool's query costs as much as running it on a batch's distinct values (a 和暦 parse is
        # a large expression), and after the first batches most pools miss none.
        found: dict[str, pl.DataFrame] = {}  # every value found
        partly: dict[str, pl.DataFrame] = {}  # some values found: the others come from the pool's new values
        missed: dict[int, list[pl.Series]] = {}
        for g in self.memo:
            key = frame.get_column(g.key)
            if g.pool.cache is None:
                missed.setdefault(id(g.pool), []).append(key)
                continue
            hit = g.pool.lookup(key, g.columns.values())
            seen = hit.get_column(_SEEN)
            if seen.null_count():
                missed.setdefault(id(g.pool), []).append(key.filter(seen.is_null()))
                partly[g.key] = hit
            else:
                found[g.key] = hit
        todo = [pool for pool in pools if id(pool) in missed]
        new_keys = [pl.concat(missed[id(pool)]).unique().alias(MEMO_KEY).to_frame().lazy() for pool in todo]
        fresh = pl.collect_all([pool.new_values(keys) for pool, keys in zip(todo, new_keys, strict=True)],
                               engine=_IN_MEMORY)
        new_of: dict[int, pl.DataFrame] = {}
        for pool, new in zip(todo, fresh, strict=True):
            pool.add(new)
            new_of[id(pool)] = new
        named: list[pl.Series] = []
        for g in self.memo:
            looked = found.get(g.key)
            part = partly.get(g.key)
            if part is not None:
                # The values the first lookup missed are looked up in the pool's new values alone (a few
                # thousand rows, not the whole pool) and put in the rows that missed.
                outs = list(dict.fromkeys(g.columns.values()))
                extra = g.pool.lookup(frame.get_column(g.key), outs, new_of[id(g.pool)])
                looked = part.with_columns(pl.when(pl.col(_SEEN).is_null()).then(extra.get_column(out))
                                          .otherwise(pl.col(out)).alias(out) for out in outs)
            elif looked is None:  # a pool started afresh: every value is in its new values
                looked = g.pool.lookup(frame.get_column(g.key), g.columns.values())
            named += [looked.get_column(out).alias(column) for column, out in g.columns.items()]
        if self.memo:  # one new frame for all the groups, not one per group
            frame = frame.hstack(named)
        flags = [f"__iss{i}" for i in sorted(memo_issues)]
        if flags:
            frame = frame.with_columns(pl.col(flags).fill_null(False))
        return frame

    def _memo_issue_values(self, i: int, frame: pl.DataFrame, positions: pl.Series) -> pl.Series:
        """The legacy values of memoized issue ``i`` at ``positions`` (looked up in its pool, for those rows only)."""
        g = next(g for g in self.memo if i in g.issue_values)
        assert g.pool.cache is not None
        column = g.issue_values[i]
        return frame[positions].select(g.key).join(g.pool.cache.select(MEMO_KEY, column), left_on=g.key,
                                                   right_on=MEMO_KEY, how="left", nulls_equal=True,
                                                   maintain_order="left").get_column(column).alias("legacy")

    # -------------------------------------------------------------- one batch
    def batch(self, legacy: pl.DataFrame) -> BatchOut:
        """Convert and validate one batch; its findings are added to the engine's."""
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
        memo_issues = {i for g in self.memo for i in g.issues}
        flags = frame.select(pl.col(f"__iss{i}").any() for i in range(len(c.issues))).row(0) if c.issues else ()
        for i, issue in enumerate(c.issues):
            if not flags[i]:  # one pass over all flags; most issues never occur
                continue
            positions = frame[f"__iss{i}"].arg_true()
            reported.setdefault(issue.item, set()).update(positions.to_list())
            sens = self.collector.sensitive(issue.item) or any(
                r in self.legacy_sensitive for r in _roots(issue.value))
            if i in memo_issues:  # a memoized item: its value is kept in the pool
                values = self._memo_issue_values(i, frame, positions).to_frame()
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
        # Their flags came with the batch's query; one pass tells which rules any row breaks.
        rules = frame.select(pl.col(f"__rule{k}").any() for k in range(len(self.legacy_rules))).row(0) \
            if self.legacy_rules else ()
        for k, (rule, ok, source) in enumerate(self.legacy_rules):
            if not rules[k]:
                continue
            broken = frame.get_column(f"__rule{k}").arg_true()
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
        failures = self._validate(converted.hstack([frame.get_column(f"__c{k}") for k in sorted(self.judged)]))
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

        # 外字 still in the output: counted per character for the 外字 list. Every text item has the 外字
        # check, so the rows and items holding a private-use character are its failures: nothing else is read.
        if failures is not None and failures.height:
            pua_at = failures.filter(pl.col("check") == "gaiji")
            if pua_at.height:
                found = [converted.get_column(column).gather(pl.Series(index, dtype=pl.UInt32))
                         .str.extract_all(PUA_RE).explode().drop_nulls()
                         for column, index in pua_at.group_by("column", maintain_order=True).agg("index").iter_rows()
                         if column in converted.columns]
                pua = pl.concat(found) if found else pl.Series(dtype=pl.String)
                if pua.len():
                    self.gaiji.update(dict(pua.value_counts().iter_rows()))
        clock("gaiji count")

        bad = sorted(error_rows)
        mask = pl.Series("bad", [False] * converted.height, dtype=pl.Boolean)
        if bad:
            mask = mask.scatter(bad, True)
        good = converted.filter(~mask)
        self.rows_out += good.height
        self.rows_rejected += len(bad)
        rej = None
        if bad:
            rej = converted[pl.Series(bad, dtype=pl.UInt32)].select(ROW, LINE, *self.reject_columns()).with_columns(
                pl.Series("codes", [" ".join(sorted(error_rows[p])) for p in bad], dtype=pl.String),
                pl.Series("items", [" ".join(sorted(item_rows.get(p, ()))) for p in bad], dtype=pl.String))
        self._keep_keys(legacy, converted, mask)
        clock("keep keys")
        return BatchOut(good.select(self.names), rej, good[ROW])

    def _validate(self, frame: pl.DataFrame) -> pl.DataFrame | None:
        """Pandera's failure cases (``index`` = position in ``frame``), every failure collected.

        Every check of the schema is a row-level polars expression, so pandera's failure cases are found in
        one polars pass over the batch (:class:`checks.OnePass`). Where a check is not one expression, the
        rows that pass all checks are found first in one polars pass (the screen); pandera then validates only
        the other rows, and its failure cases are mapped back to positions in ``frame``. Without a screen,
        pandera sees every row.
        """
        if self.one_pass is not None:
            try:
                return self.one_pass.failures(frame, given=[k for k in self.judged if f"__c{k}" in frame.columns])
            except NotOnePass:
                pass
        if self.screen is None:
            return self._pandera(frame)
        ok = frame.select(self.screen).to_series()
        if ok.all():
            return None
        positions = ok.not_().arg_true()
        try:  # pandera's failures found in one polars pass (pandera runs one query per check)
            failures = failure_cases(self.schema, frame[positions])
        except NotOnePass:
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
        wanted = set(self.table.key) | {i.name for i in self.table.items if i.references} | set(HOUSEHOLD_ITEMS)
        wanted |= set(recon_items(self.job.compiled))
        cols = [n for n in self.names if n in wanted]
        # Compact while the file is read: row/line as Int32, codes as categoricals, the legacy key only where
        # it differs from the standard key (key_frame() restores the plain form).
        ids = set(self.table.key) | {i.name for i in self.table.items if i.references}
        keep = converted.select(pl.col(ROW, LINE).cast(pl.Int32), *[
            pl.col(n) if n in ids else pl.col(n).cast(pl.Categorical) for n in cols]).with_columns(
            rejected.alias("__rejected"))
        lk = legacy_key(self.job.compiled)
        if lk and lk[0] in legacy.columns:
            key = legacy[lk[0]].str.strip_chars()
            if lk[1] in converted.columns:
                key = pl.select(pl.when(key.ne_missing(converted[lk[1]])).then(key)).to_series()
            keep = keep.with_columns(key.alias("__legacy_key"))
        self.keys.append(keep)


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


def _legacy_places(compiled: Compiled) -> dict[str, tuple[str | None, str | None, tuple[str, ...]]]:
    """Standard item → (legacy column(s), byte range(s) when fixed-width, the legacy items), from the items its
    value reads."""
    legacy = compiled.legacy
    if legacy is None:
        return {}
    out: dict[str, tuple[str | None, str | None, tuple[str, ...]]] = {}
    for name, expr in compiled.columns.items():
        items = [legacy.item(r) for r in dict.fromkeys(_roots(expr)) if legacy.has_item(r)]
        if not items:
            continue
        column = ", ".join(i.column or i.name for i in items)
        spans = [f"{i.start}-{i.start + i.length - 1}" for i in items if i.start is not None and i.length]
        out[name] = (column, ", ".join(spans) if len(spans) == len(items) else None, tuple(i.name for i in items))
    return out



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

