"""Batch size changes nothing: the per-value results kept across batches (和暦, dates) and the per-field
decoding of the fixed-width reader give the same findings and the same files as one batch."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from migrator.mapping import compile_mapping, load_mapping
from migrator.schema import SchemaRegistry
from migrator.validation.readers import ExtractReader, ReadOptions
from migrator.validation.run import RunOptions, run_mapping_files
from tests.conftest import DATA

MAPPING = DATA / "mappings" / "juki_mainframe_jumin.xlsx"
EXTRACT = DATA / "sample_data" / "extracts" / "juki_mainframe.dat"
ROW_COL = "__row"


def _run(out: Path, batch_rows: int) -> tuple[list[tuple], str, str]:
    result = run_mapping_files([(MAPPING, EXTRACT)], RunOptions(out_dir=out, batch_rows=batch_rows))
    findings = sorted((f.code, f.item or "", f.count or 0, f.message_en) for f in result.report.findings)
    files = sorted(out.glob("*.csv"))
    return findings, files[0].read_text(encoding="utf-8"), files[1].read_text(encoding="utf-8")


def test_small_batches_equal_one_batch(tmp_path: Path) -> None:
    one = _run(tmp_path / "one", 100_000)
    small = _run(tmp_path / "small", 450)
    assert small == one
    assert any(code == "MAP411" for code, *_ in one[0])  # the memoized 和暦 issue is among them


def test_small_batches_equal_one_batch_when_the_pools_start_afresh(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A pool that outgrows its limit is emptied and filled again from the next batch's values: the results
    stay those of one batch (the lookups that miss, the values computed again, the blank values)."""
    from migrator.validation import engine as engine_module

    one = _run(tmp_path / "one", 100_000)
    monkeypatch.setattr(engine_module, "_MEMO_LIMIT", 50)
    assert _run(tmp_path / "small", 120) == one


def test_memoized_items_equal_their_compiled_expressions() -> None:
    registry = SchemaRegistry.load()
    mapping, _ = load_mapping(MAPPING)
    assert mapping is not None
    compiled = compile_mapping(mapping, registry=registry)
    assert "生年月日" in compiled.memos
    legacy_schema = registry.get(mapping.legacy_schema)
    reader = ExtractReader(EXTRACT, compiled.legacy, ReadOptions(encoding="cp932"),
                           code_tables=legacy_schema.code_tables)
    frame = reader.read_all()
    for name, memo in compiled.memos.items():
        keys = frame.select(memo.input.unique().alias("__memo_key"))
        table = keys.select(pl.col("__memo_key"), memo.value.alias("v"))
        looked_up = frame.select(memo.input.alias("k")).join(table, left_on="k", right_on="__memo_key", how="left",
                                                              nulls_equal=True, maintain_order="left")["v"]
        direct = frame.select(compiled.columns[name].cast(pl.String).alias("v"))["v"]
        assert looked_up.cast(pl.String).to_list() == direct.to_list(), name


def test_fixed_width_fields_keep_trailing_nul_and_report_undecodable(tmp_path: Path) -> None:
    registry = SchemaRegistry.load()
    mapping, _ = load_mapping(MAPPING)
    assert mapping is not None
    legacy = registry.get(mapping.legacy_schema)
    table = legacy.table(mapping.legacy_table)
    good = EXTRACT.read_bytes().split(b"\n")[0].rstrip(b"\r")
    last = table.items[-1]
    nul = bytearray(good)
    nul[len(nul) - 1] = 0  # a NUL at the very end of the record (numpy bytes would drop it)
    name = next(i for i in table.items if i.name == "氏名")
    broken = bytearray(good)
    broken[(name.start or 1) - 1] = 0x81  # a lead byte followed by a space: not CP932
    broken[name.start or 1] = 0x20
    path = tmp_path / "x.dat"
    path.write_bytes(b"\r\n".join([good, bytes(nul), bytes(broken)]) + b"\r\n")
    reader = ExtractReader(path, table, ReadOptions(encoding="cp932"), code_tables=legacy.code_tables)
    frame = reader.read_all()
    assert frame[ROW_COL].to_list() == [1, 2]
    assert frame[last.name][1].endswith("\x00")
    dat001 = [f for f in reader.findings if f.code == "DAT001"]
    assert len(dat001) == 1 and dat001[0].location.line == 3 and dat001[0].count == 1



def test_memoized_items_over_shared_wareki_parses_equal_the_self_contained_form() -> None:
    registry = SchemaRegistry.load()
    mapping, _ = load_mapping(MAPPING)
    assert mapping is not None
    compiled = compile_mapping(mapping, registry=registry)
    legacy_schema = registry.get(mapping.legacy_schema)
    reader = ExtractReader(EXTRACT, compiled.legacy, ReadOptions(encoding="cp932"),
                           code_tables=legacy_schema.code_tables)
    frame = reader.read_all()
    shared = {name: memo for name, memo in compiled.memos.items() if memo.shared_value is not None}
    assert "生年月日" in shared and shared["生年月日"].parses  # a 和暦 pipe: its parse is a named column
    for name, memo in shared.items():
        keys = frame.select(memo.input.unique().alias("__memo_key"))
        plain = keys.select(memo.value.alias("v"), *[f.alias(f"f{k}") for k, (f, _) in enumerate(memo.issues)])
        parsed = keys.with_columns(*[e.alias(n) for n, e in memo.parses])
        via = parsed.select(memo.shared_value.alias("v"),
                            *[f.alias(f"f{k}") for k, (f, _) in enumerate(memo.shared_issues)])
        assert via.equals(plain), name


def _blanked_extract(path: Path) -> Path:
    """40 records of the sample extract (no trailer), with items blank on every row of some batches of 5 and
    filled in others: a required item (宛名番号), a memoized 和暦 date (生年月日) and an item the sample
    never fills (旧氏, filled in records 11–15)."""
    lines = EXTRACT.read_bytes().split(b"\r\n")[:40]
    records = [bytearray(r) for r in lines]

    def put(k: int, start: int, length: int, value: bytes) -> None:
        records[k][start - 1:start - 1 + length] = value.ljust(length, b" ")

    for k in range(10):
        put(k, 159, 7, b"")  # 生年月日
        put(k, 226, 7, b"")  # 住民となった年月日
    for k in range(5):
        put(k, 2, 15, b"")  # 宛名番号
    for k in range(10, 15):
        put(k, 119, 20, "山田".encode("cp932"))  # 旧氏
    path.write_bytes(b"".join(bytes(r) + b"\r\n" for r in records))
    return path


def test_items_blank_on_every_row_of_a_batch_give_what_one_batch_gives(tmp_path: Path) -> None:
    """Checks of an item null on every row of a batch are answered once for the batch, memoized items blank on
    every row are not looked up, the fixed-width reader does not cut fields blank on every row, and the
    converted file writes such items as typed nulls: the findings and files are those of one batch."""
    extract = _blanked_extract(tmp_path / "blanked.dat")

    def run(out: Path, batch_rows: int) -> tuple[list[tuple], str, str]:
        result = run_mapping_files([(MAPPING, extract)], RunOptions(out_dir=out, batch_rows=batch_rows))
        findings = sorted((f.code, f.item or "", f.count or 0, f.message_en) for f in result.report.findings)
        files = sorted(out.glob("*.csv"))
        return findings, files[0].read_text(encoding="utf-8"), files[1].read_text(encoding="utf-8")

    one = run(tmp_path / "one", 100_000)
    for batch_rows in (1, 5, 7):
        assert run(tmp_path / f"b{batch_rows}", batch_rows) == one, batch_rows
    required = {(item, count) for code, item, count, _ in one[0] if code == "DAT101"}
    assert required == {("宛名番号", 5), ("生年月日", 10)}  # a blank required item fails on every row
    converted = pl.read_csv(one[1].encode("utf-8"), infer_schema=False)
    assert converted.height == 30 and one[2].count("\n") == 11  # 10 rejects and the header
    assert converted["旧氏"].drop_nulls().to_list() == ["山田"] * 5


def test_a_batch_null_on_every_item_fails_the_checks_pandera_fails() -> None:
    """With every item null, no check runs on the rows (each is answered once, as for a null value): the
    failures are still pandera's own, and a batch of no rows has none."""
    from migrator.validation.engine import BatchEngine
    from migrator.validation.pandera_polars import pa
    from migrator.validation.run import load_job

    job, _ = load_job(MAPPING, EXTRACT)
    assert job is not None
    engine = BatchEngine(job, RunOptions())
    assert engine.one_pass is not None
    columns = engine.one_pass.columns
    for rows in (3, 0):
        frame = pl.DataFrame({c: [None] * rows for c in columns}, schema=dict.fromkeys(columns, pl.String))
        got = engine.one_pass.failures(frame)
        try:
            engine.schema.validate(frame, lazy=True)
            expected: set[tuple] = set()
        except pa.errors.SchemaErrors as exc:
            expected = {r for r in exc.failure_cases.select("column", "check", "index").rows() if r[2] is not None}
        assert (set() if got is None else set(got.rows())) == expected
        assert bool(expected) == bool(rows)  # the required items fail on every row, each once per row
        assert not rows or len(expected) % rows == 0


def test_a_batch_of_no_rows_converts_to_nothing() -> None:
    """A batch with no row (every record of its block unreadable) gives no row, no reject and no finding."""
    from migrator.validation.engine import BatchEngine
    from migrator.validation.run import load_job

    job, _ = load_job(MAPPING, EXTRACT)
    assert job is not None
    engine = BatchEngine(job, RunOptions())
    batch = ExtractReader(EXTRACT, job.compiled.legacy, ReadOptions(encoding="cp932"),
                          code_tables=job.legacy_schema.code_tables).read_all()
    out = engine.batch(batch.head(0))
    assert out.good.height == 0 and out.rejects is None and engine.findings(0) == []
    assert engine.batch(batch.head(300)).good.equals(BatchEngine(job, RunOptions()).batch(batch.head(300)).good)


def test_a_batch_of_values_seen_before_runs_no_memoized_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pools' pipes run on the values a batch holds that no batch before held; a batch of none runs none,
    and converts as the first did."""
    from migrator.validation import engine as engine_module
    from migrator.validation.run import load_job

    job, _ = load_job(MAPPING, EXTRACT)
    assert job is not None
    engine = engine_module.BatchEngine(job, RunOptions())
    batch = ExtractReader(EXTRACT, job.compiled.legacy, ReadOptions(encoding="cp932"),
                          code_tables=job.legacy_schema.code_tables).read_all().head(500)
    ran: list[int] = []
    real = engine_module._MemoPool.new_values

    def counted(pool: engine_module._MemoPool, keys: pl.LazyFrame) -> pl.LazyFrame:
        ran.append(id(pool))
        return real(pool, keys)

    monkeypatch.setattr(engine_module._MemoPool, "new_values", counted)
    first = engine.batch(batch)
    assert len(ran) == len(engine._pools()) > 0
    ran.clear()
    again = engine.batch(batch)
    assert ran == []
    assert again.good.equals(first.good)
    ran.clear()
    engine.batch(batch.head(499).vstack(batch.tail(1).with_columns(pl.lit("R070101").alias("生年月日"))))
    assert len(ran) == 1  # one unseen 生年月日: only the pool of the dates
