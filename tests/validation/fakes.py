"""A stand-in for ``migrator.mapping.CompiledMapping`` honouring the issue 5/6 contract, for unit tests."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from migrator.schema import Table


@dataclass(frozen=True)
class FakeMapping:
    id: str
    settings: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None


@dataclass(frozen=True)
class FakeIssue:
    item: str
    code: str
    expr: pl.Expr
    value: pl.Expr
    source: str


@dataclass(frozen=True)
class FakeCompiled:
    mapping: FakeMapping
    standard: Table
    legacy: Table | None
    columns: dict[str, pl.Expr]
    sources: dict[str, str]
    issues: tuple[FakeIssue, ...] = ()

    def apply(self, frame: pl.LazyFrame) -> pl.LazyFrame:
        return frame.select([self.columns.get(n, pl.lit(None, dtype=pl.String)).alias(n)
                             for n in self.standard.item_names])


def identity(standard: Table, legacy: Table | None = None, *, mapping_id: str = "m", settings=None,
             issues=()) -> FakeCompiled:
    """Each standard item copied from the legacy item of the same name (column D of row i+2)."""
    names = [i.name for i in (legacy or standard).items]
    columns = {n: pl.col(n).str.strip_chars() for n in standard.item_names if n in names}
    sources = {n: f"項目対応!D{i + 2}" for i, n in enumerate(standard.item_names)}
    return FakeCompiled(FakeMapping(mapping_id, dict(settings or {})), standard, legacy or standard, columns, sources,
                        tuple(issues))
