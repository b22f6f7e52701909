"""The Spark runner: the same engine core on the executors of a Spark cluster (or Spark's local mode).

Each extract is cut into splits at record boundaries (fixed-width: multiples of the record length plus its
line break; CSV: line boundaries, after checking that no quoted field holds a line break — otherwise the file
is one split, DAT500). One Spark task per split reads its byte range with the same reader (the CSV header put
before it), shifts the record and line numbers to the extract's, and runs :class:`BatchEngine` on it. Fixed-width
records written back to back (no line breaks) are read by Spark itself (``FixedLengthBinaryInputFormat``, as
``binaryRecords`` reads them), each partition's records given to the same reader as lines. Its
output rows (``mapInArrow``) are the converted rows, the rejects, the key columns and one row carrying the
split's findings; the converted rows are written as Parquet partitioned by municipality and table, the
cross-table checks (duplicate keys, references, households) run as Spark aggregations and joins on the key
rows, and the findings of the splits are merged in split order (:mod:`migrator.validation.merge`), so the
report is the one the local runner gives.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from migrator.errors import InputError
from migrator.location import Location
from migrator.report import Finding, make_finding
from migrator.validation.crosscheck import CURRENT, HEAD, _aggregate
from migrator.validation.engine import BatchEngine, Partial
from migrator.validation.merge import JobResult, finish
from migrator.validation.outputs import output_stem, run_inputs
from migrator.validation.readers import (
    ExtractReader,
    LineIssues,
    ReadOptions,
    _unbroken,
    decodes,
    header_code,
    trailer_code,
)
from migrator.validation.run import _create_private, derived_tables, spreadsheet_safe, with_parquet
from migrator.validation.types import LINE, ROW, Job, RunOptions, RunResult, TableRun

DEFAULT_MASTER = "local[*]"
SPLIT_BYTES = 64 << 20  # bytes per split (a Spark task); the tests use smaller splits


@dataclass(frozen=True)
class Split:
    """One byte range of one extract, read by one Spark task."""

    job: int
    index: int
    start: int
    end: int
    rows_before: int  # data records before the range
    line_shift: int  # added to the reader's physical line numbers (it may see a header line first)
    head: bytes  # bytes put before the range (a CSV header line)
    last: bool


@dataclass(frozen=True)
class Records:
    """A fixed-width extract of records written back to back (no line breaks), read by Spark itself
    (``FixedLengthBinaryInputFormat``, what ``SparkContext.binaryRecords`` reads with): record N is line N,
    as the local reader numbers such records. What the tasks need to number their records as one reading
    of the whole file would: the records that are no data before each one."""

    length: int
    total: int  # records in the file
    blanks: tuple[int, ...]  # 0-based indices of blank records (only spaces: no data, not counted)
    lead: int  # index of the first record that is not blank (the header record, if any, is this one)
    header: bool  # the record at ``lead`` is the header record (ヘッダ)
    tail: int  # index of the last record that is not blank (the trailer, if any, is this one)
    trailer: bool  # the record at ``tail`` is the trailer record (トレーラ)
    trailed: bool  # the layout declares a trailer record (a file without one is DAT013)

    def rows_before(self, first: int) -> int:
        """Data records before record ``first`` (0-based)."""
        blank = int(np.searchsorted(np.asarray(self.blanks, dtype=np.int64), first))
        return first - blank - (1 if self.header and self.lead < first else 0)


@dataclass
class _Plan:
    splits: list[Split]
    encoding: str | None
    findings: list[Finding]  # the file's own findings (encoding detected, DAT500)
    declared: tuple[int, int] | None  # fixed-width trailer: (declared count, its line)
    records: Records | None = None  # records without line breaks: Spark reads and cuts them (no splits)


def session(master: str = DEFAULT_MASTER, *, app: str = "migrator validate",
            conf: Mapping[str, str] | None = None) -> Any:
    """A Spark session for ``master``, or a clear error when pyspark or Java is missing (CORE130/131/132).

    ``conf`` adds Spark settings, e.g. ``spark.driver.extraJavaOptions`` for a short-lived driver JVM (they
    reach the JVM because pyspark starts it for this session)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise InputError.of("CORE130", reason=str(exc), reason_ja=str(exc)) from None
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and Path(java_home, "bin", "java").exists()) and shutil.which("java") is None:
        raise InputError.of("CORE131")
    if master.startswith("local"):  # the executors are this machine's: this interpreter, with migrator on it
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    try:
        builder = SparkSession.builder.master(master).appName(app).config("spark.ui.enabled", "false")
        if master.startswith("local"):  # few cores: few shuffle partitions (a cluster keeps its own setting)
            builder = builder.config("spark.sql.shuffle.partitions", "2")
        for key, value in (conf or {}).items():
            builder = builder.config(key, value)
        return builder.getOrCreate()
    except Exception as exc:  # the JVM did not start: a wrong master URL, no memory
        raise InputError.of("CORE132", master=master, reason=str(exc).splitlines()[0][:300]) from None


# ------------------------------------------------------------------ planning the splits

def _reader(job: Job, options: RunOptions, path: Path | None = None, encoding: str | None = None, *,
            file_start: bool = True, file_end: bool = True) -> ExtractReader:
    enc = encoding or options.encoding or getattr(job.compiled.mapping, "encoding", None)
    return ExtractReader(path or job.extract, job.compiled.legacy,
                         ReadOptions(encoding=enc, batch_rows=options.batch_rows, file_start=file_start,
                                     file_end=file_end),
                         code_tables=job.legacy_schema.code_tables if job.legacy_schema else {})


def _whole(job: int, reason: tuple[str, str] | None, where: str, encoding: str | None = None,
           found: Sequence[Finding] = ()) -> _Plan:
    """The whole extract as one split (``reason``: why it could not be split, DAT500)."""
    why = [make_finding("DAT500", Location(file=where), reason=reason[0], reason_ja=reason[1])] if reason else []
    return _Plan([Split(job, 0, 0, -1, 0, 0, b"", True)], encoding, [*found, *why], None)


def plan_splits(job: Job, index: int, options: RunOptions, split_bytes: int = SPLIT_BYTES) -> _Plan:
    """The splits of ``job``'s extract (``index``: the job's number in the run)."""
    reader = _reader(job, options)
    path = job.extract
    size = path.stat().st_size
    where = str(path)
    if size <= split_bytes or reader.format == "xlsx":
        return _whole(index, None, where)
    if reader.format == "fixed":
        return _plan_fixed(job, index, reader, size, split_bytes)
    return _plan_csv(index, reader, size, split_bytes)


def _plan_fixed(job: Job, index: int, reader: ExtractReader, size: int, split_bytes: int) -> _Plan:
    table = job.compiled.legacy
    where = str(job.extract)
    if table is None or any(i.start is None for i in table.items):
        return _whole(index, None, where)
    length = reader.record_length or max(i.start + (i.length or 0) - 1 for i in table.items)  # type: ignore[operator]
    if _unbroken(job.extract, length):
        return _plan_records(job, index, length, size)
    with job.extract.open("rb") as fh:
        first = fh.read(length + 2)
        if first[length:length + 2] == b"\r\n":
            stride = length + 2
        elif first[length:length + 1] == b"\n":
            stride = length + 1
        else:
            return _whole(index, ("records are not of the layout's length", "レコード長がレイアウトと異なる"),
                                 where)
        records = size // stride
        per = max(split_bytes // stride, 1)
        cuts = [(c * stride, c) for c in range(0, records, per)]
        for cut, _ in cuts[1:]:  # a cut at a multiple of the record length must fall on a line break
            fh.seek(cut - 1)
            if fh.read(1) != b"\n":  # records of another length: cut at line breaks, counted
                cuts = _line_cuts(job.extract, size, split_bytes)
                break
        fh.seek(max(size - 2 * stride, 0))
        tail = fh.read().rstrip(b"\r\n").rsplit(b"\n", 1)[-1]
    declared = None
    code = trailer_code(table, job.legacy_schema.code_tables if job.legacy_schema else {})
    if code is not None and tail.startswith(code):
        import re

        digits = re.findall(rb"[0-9]+", tail[1:])
        if digits:
            declared = (int(digits[0]), _lines(job.extract))
    splits = [Split(index, k, start, cuts[k + 1][0] if k + 1 < len(cuts) else -1, before, before, b"",
                    k + 1 == len(cuts)) for k, (start, before) in enumerate(cuts)]
    return _Plan(splits, None, [], declared)


def _plan_records(job: Job, index: int, length: int, size: int) -> _Plan:
    """An extract of records written back to back: read by Spark in records of ``length`` bytes.

    The driver looks at the file once (as it does for its checksum) for what a task cannot see in its own
    records: blank records, the header and the trailer. A file that does not end on a whole record (a short
    last record, a Ctrl-Z end-of-file mark) or holds a line break is read by one task, as the local run
    reads it (Spark's fixed-length reader refuses a partial record; a line break would start a new line)."""
    where = str(job.extract)
    table = job.compiled.legacy
    assert table is not None
    codes = job.legacy_schema.code_tables if job.legacy_schema else {}
    partial = ("the file does not end on a whole record", "最後のレコードが途中で終わっている")
    if size % length:
        return _whole(index, partial, where)
    blanks: list[int] = []
    total = size // length
    per = max((8 << 20) // length, 1)
    whitespace = np.array([9, 11, 12, 13, 32, 0x1A], dtype=np.uint8)  # what bytes.strip() and a Ctrl-Z take
    with job.extract.open("rb") as fh:
        done = 0
        for block in iter(lambda: fh.read(per * length), b""):
            if b"\n" in block:
                return _whole(index, ("a line break between records written without line breaks",
                                      "改行のないレコードの間に改行がある"), where)
            if length < 64:  # the local reader takes a short line of only spaces (or a Ctrl-Z) as blank
                arr = np.frombuffer(block, dtype=np.uint8).reshape(-1, length)
                for k in np.flatnonzero(np.isin(arr, whitespace).all(axis=1)).tolist():
                    if not block[k * length:(k + 1) * length].strip().strip(b"\x1a"):
                        blanks.append(done + k)
            done += len(block) // length
        if block[-1:] == b"\x1a":  # a final Ctrl-Z is no data to the local reader: its record is cut short
            return _whole(index, partial, where)
        blank = np.asarray(blanks, dtype=np.int64)
        filled = np.setdiff1d(np.arange(min(total, blank.size + 1)), blank)
        lead = int(filled[0]) if filled.size else 0
        tails = np.setdiff1d(np.arange(max(total - blank.size - 1, 0), total), blank)
        tail = int(tails[-1]) if tails.size else total - 1
        kind_at = (table.items[0].start or 1) - 1
        fh.seek(lead * length)
        first = fh.read(length)
        fh.seek(tail * length)
        last = fh.read(length)
    head, trail = header_code(table, codes), trailer_code(table, codes)
    header = head is not None and first[kind_at:kind_at + len(head)] == head
    trailer = trail is not None and last[kind_at:kind_at + len(trail)] == trail and not (header and tail == lead)
    declared = None
    if trailer and trail is not None:
        import re

        digits = re.findall(rb"[0-9]+", last[kind_at + len(trail):])
        if digits:
            declared = (int(digits[0]), tail + 1)
    records = Records(length, total, tuple(blanks), lead, header, tail, trailer, trail is not None)
    return _Plan([], None, [], declared, records)


def _lines(path: Path) -> int:
    """Physical lines of ``path`` (a last line without a line break counts)."""
    n, last = 0, b"\n"
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(64 << 20), b""):
            n += block.count(b"\n")
            last = block[-1:]
    return n + (last != b"\n")


def _line_cuts(path: Path, size: int, split_bytes: int) -> list[tuple[int, int]]:
    """(byte offset, lines before) of the first line break after every ``split_bytes``."""
    cuts = [(0, 0)]
    lines = 0
    with path.open("rb") as fh:
        offset = 0
        for block in iter(lambda: fh.read(64 << 20), b""):
            nl = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 10)
            targets = np.arange((cuts[-1][0] // split_bytes + 1) * split_bytes, offset + len(block), split_bytes)
            for p in dict.fromkeys(int(x) for x in np.searchsorted(nl + offset, targets)):
                if p < nl.size and cuts[-1][0] < int(nl[p]) + offset + 1 < size:
                    cuts.append((int(nl[p]) + offset + 1, lines + p + 1))
            lines += int(nl.size)
            offset += len(block)
    return cuts


def _plan_csv(index: int, reader: ExtractReader, size: int, split_bytes: int) -> _Plan:
    path = reader.path
    where = str(path)
    encoding = reader.choose_encoding()  # strict detection on a bounded sample, as the local run does
    found = list(reader.extra_findings)
    # a declared encoding (or one read as CP932 because nothing decoded) is not proven yet: decode once here
    if not (reader.proven_decodes or decodes(path, encoding.replace("-sig", ""))):
        return _whole(index, ("bytes that do not decode", "復号できないバイトがある"), where, None, found)
    cuts: list[tuple[int, int]] = [(0, 0)]  # (byte offset, lines before)
    lines = 0
    head = b""
    parity = 0
    last_nl = -2
    chunk = 64 << 20
    with path.open("rb") as fh:
        offset = 0
        while offset < size:
            data = fh.read(chunk)
            arr = np.frombuffer(data, dtype=np.uint8)
            nl = np.flatnonzero(arr == 10)
            quotes = np.cumsum(arr == 34) + parity
            if nl.size and (quotes[nl] % 2).any():
                return _whole(index, ("a quoted field holds a line break", "引用符の中に改行がある"), where, None, found)
            starts = np.concatenate(([last_nl - offset], nl[:-1])) if nl.size else nl
            if nl.size and ((nl - starts <= 1) | ((nl - starts == 2) & (arr[np.maximum(nl - 1, 0)] == 13))).any():
                return _whole(index, ("blank lines", "空行がある"), where, None, found)
            if offset == 0 and reader.header and nl.size:
                head = data[:int(nl[0]) + 1]
            targets = np.arange((cuts[-1][0] // split_bytes + 1) * split_bytes, offset + len(data), split_bytes)
            positions = np.searchsorted(nl + offset, targets)
            for p in dict.fromkeys(int(x) for x in positions):
                if p < nl.size and int(nl[p]) + offset + 1 < size and int(nl[p]) + offset + 1 > cuts[-1][0]:
                    cuts.append((int(nl[p]) + offset + 1, lines + p + 1))
            lines += int(nl.size)
            parity = int(quotes[-1]) % 2 if quotes.size else parity
            last_nl = int(nl[-1]) + offset if nl.size else last_nl
            offset += len(data)
    header = 1 if reader.header else 0
    if len(cuts) > 1 and header and cuts[1][0] <= len(head):
        cuts = [cuts[0], *cuts[2:]]
    splits = []
    for k, (start, before) in enumerate(cuts):
        end = cuts[k + 1][0] if k + 1 < len(cuts) else -1
        if k == 0:
            splits.append(Split(index, 0, 0, end, 0, 0, b"", end == -1))
        else:
            splits.append(Split(index, k, start, end, before - header, before, head, end == -1))
    return _Plan(splits, encoding, found, None)


# ------------------------------------------------------------------ one split, on an executor

@dataclass
class _SplitResult:
    partial: Partial
    rows: int
    counts: dict[Any, int]
    lines: dict[Any, list[int]]
    bad_rows: list[tuple[int, int, str]]
    extra: list[Finding]
    encoding: str | None


def _run_split(job: Job, split: Split, options: RunOptions, tables: dict[str, pl.LazyFrame], qualify: bool,
               encoding: str | None, keep_keys: bool, *, text: Path | None = None, starts: bool | None = None,
               ends: bool | None = None) -> Iterator[tuple[str, pl.DataFrame | _SplitResult]]:
    """Read and convert one split; yields ("row"|"reject"|"key", frame) and finally ("meta", result).

    ``text``: the split's records already written as lines (then not copied from the extract); ``starts`` /
    ``ends``: whether it holds the extract's first / last record (its header / trailer), by default told by
    its place in the file."""
    engine = BatchEngine(job, options, qualify=qualify, tables=tables)
    tmp = None
    path = text or job.extract
    if text is None and (split.start or split.end != -1):
        fd, name = tempfile.mkstemp(suffix=job.extract.suffix, prefix="migrator-split-")
        tmp = Path(name)
        with os.fdopen(fd, "wb") as out, job.extract.open("rb") as src:
            out.write(split.head)
            src.seek(split.start)
            left = (split.end - split.start) if split.end != -1 else -1
            while left != 0:
                block = src.read(min(8 << 20, left) if left > 0 else 8 << 20)
                if not block:
                    break
                out.write(block)
                left -= len(block) if left > 0 else 0
        path = tmp
    try:
        reader = _reader(job, options, path, encoding, file_start=not split.start if starts is None else starts,
                         file_end=split.last if ends is None else ends)
        reader.issues = LineIssues(str(job.extract))
        reader.places.file = str(job.extract)
        engine.collector.extract = reader.places  # an Excel extract (never split) names its cells
        head_lines = 1 if split.head else 0
        shift_row, shift_line = split.rows_before, split.line_shift
        for batch in reader.batches():
            batch = batch.with_columns(pl.col(ROW) + shift_row, pl.col(LINE) + shift_line - head_lines)
            done = engine.batch(batch)
            if done.good.height:
                yield "row", done.good.with_columns(done.rows)
            if done.rejects is not None:
                yield "reject", done.rejects
        keys = engine.key_frame()
        if keys.height:
            yield "key", keys
        lines = {k: [ln + shift_line - head_lines for ln in v] for k, v in reader.issues.lines.items()}
        bad = [(r + shift_row, ln + shift_line - head_lines, c) for r, ln, c in reader.issues.bad_rows]
        extra = [f for f in reader.extra_findings if f.code not in ("DAT013", "DAT009", "DAT005", "DAT006", "DAT018")
                 or (f.code == "DAT013" and split.last) or (f.code == "DAT018" and not split.start)]
        extra = [replace(f, location=replace(f.location, file=str(job.extract), line=f.location.line + shift_line
                                             - head_lines if f.location.line is not None else None)) for f in extra]
        yield "meta", _SplitResult(engine.partial(keys=keep_keys), reader.rows, dict(reader.issues.counts), lines,
                                   bad, extra, reader.encoding)
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def _run_records(job: Job, index: int, part: int, records: Records, items: Iterator[tuple[int, bytes]],
                 options: RunOptions, tables: dict[str, pl.LazyFrame], qualify: bool,
                 keep_keys: bool) -> Iterator[tuple[str, pl.DataFrame | _SplitResult]]:
    """Read and convert one partition of Spark's fixed-length records (record index, bytes), numbered as one
    reading of the whole extract numbers them (record N is line N)."""
    fd, name = tempfile.mkstemp(suffix=job.extract.suffix, prefix="migrator-records-")
    tmp = Path(name)
    first, n = -1, 0
    try:
        with os.fdopen(fd, "wb") as out:
            chunk: list[bytes] = []
            for at, record in items:
                if first < 0:
                    first = at
                chunk.append(bytes(record))
                n += 1
                if len(chunk) >= 65536:
                    out.write(b"\n".join(chunk) + b"\n")
                    chunk = []
            if chunk:
                out.write(b"\n".join(chunk) + b"\n")
        if n == 0:
            return
        split = Split(index, part, first * records.length, (first + n) * records.length,
                      records.rows_before(first), first, b"", False)
        yield from _run_split(job, split, options, tables, qualify, None, keep_keys, text=tmp,
                              starts=first <= records.lead < first + n, ends=first <= records.tail < first + n)
    finally:
        tmp.unlink(missing_ok=True)


def records_rdd(spark: Any, path: Path, length: int, split_bytes: int = SPLIT_BYTES) -> Any:
    """The records of ``path`` as Spark reads fixed-length records (``FixedLengthBinaryInputFormat``, what
    ``SparkContext.binaryRecords`` uses, with each record's index kept): an RDD of (index, bytes), one
    partition per split of at most ``split_bytes`` (whole records)."""
    return spark.sparkContext.newAPIHadoopFile(
        path.resolve().as_uri(), "org.apache.spark.input.FixedLengthBinaryInputFormat",
        "org.apache.hadoop.io.LongWritable", "org.apache.hadoop.io.BytesWritable",
        conf={"org.apache.spark.input.FixedLengthBinaryInputFormat.recordLength": str(length),
              "mapreduce.input.fileinputformat.split.maxsize": str(max(split_bytes, length))})


# ------------------------------------------------------------------ the run

def _columns(jobs: Sequence[Job]) -> int:
    return max((len(j.compiled.standard.item_names) for j in jobs), default=0)


def _schema(width: int) -> Any:
    from pyspark.sql import types as T

    return T.StructType([
        T.StructField("kind", T.StringType()), T.StructField("job", T.IntegerType()),
        T.StructField("split", T.IntegerType()), T.StructField(ROW, T.LongType()),
        T.StructField(LINE, T.LongType()), T.StructField("rejected", T.BooleanType()),
        T.StructField("legacy_key", T.StringType()), T.StructField("codes", T.StringType()),
        T.StructField("items", T.StringType()), T.StructField("payload", T.BinaryType()),
        *[T.StructField(f"v{i}", T.StringType()) for i in range(width)]])


def _arrow(kind: str, job: int, split: int, frame: pl.DataFrame | None, names: list[str], width: int,
           payload: bytes | None = None) -> Any:
    return _frame(kind, job, split, frame, names, width, payload).to_arrow().to_batches()


def _frame(kind: str, job: int, split: int, frame: pl.DataFrame | None, names: list[str], width: int,
           payload: bytes | None = None) -> pl.DataFrame:
    """One kind of a split's output in the columns of :func:`_schema`."""
    n = frame.height if frame is not None else 1
    cols: dict[str, pl.Series] = {
        "kind": pl.Series([kind] * n, dtype=pl.String), "job": pl.Series([job] * n, dtype=pl.Int32),
        "split": pl.Series([split] * n, dtype=pl.Int32)}
    f = frame if frame is not None else pl.DataFrame()
    for col, dtype in ((ROW, pl.Int64), (LINE, pl.Int64)):
        cols[col] = f[col].cast(dtype) if col in f.columns else pl.Series([None] * n, dtype=dtype)
    cols["rejected"] = f["__rejected"] if "__rejected" in f.columns else pl.Series([None] * n, dtype=pl.Boolean)
    for col, src in (("legacy_key", "__legacy_key"), ("codes", "codes"), ("items", "items")):
        cols[col] = f[src].cast(pl.String) if src in f.columns else pl.Series([None] * n, dtype=pl.String)
    cols["payload"] = pl.Series([payload] * n, dtype=pl.Binary)
    for i in range(width):
        name = names[i] if i < len(names) else None
        cols[f"v{i}"] = f[name].cast(pl.String) if name in f.columns else pl.Series([None] * n, dtype=pl.String)
    return pl.DataFrame(cols)


def run_jobs_spark(jobs: Sequence[Job], options: RunOptions | None = None, *, master: str = DEFAULT_MASTER,
                   spark: Any = None, municipality: str | None = None, split_bytes: int = SPLIT_BYTES,
                   title: str = "mapping run") -> RunResult:
    """Run every job on Spark; the same findings, converted rows and reports as :func:`run.run_jobs`."""
    options = options or RunOptions()
    options = replace(options, progress=None)  # a callback of this process cannot run on an executor
    spark = spark or session(master)
    started = time.perf_counter()
    qualify = len(jobs) > 1
    before: list[list[Finding]] = []
    tables: list[dict[str, pl.LazyFrame]] = []
    plans: list[_Plan] = []
    for i, job in enumerate(jobs):
        found_tables, missing = derived_tables(job, jobs, options)
        tables.append(found_tables)
        before.append(missing)
        plans.append(plan_splits(job, i, options, split_bytes))
    width = _columns(jobs)
    names = [list(j.compiled.standard.item_names) for j in jobs]
    job_list = list(jobs)
    encodings = [p.encoding for p in plans]
    keep_keys = options.reconcile

    def work(batches: Iterator[Any]) -> Iterator[Any]:
        for record_batch in batches:
            for row in record_batch.to_pylist():
                split: Split = pickle.loads(row["split"])
                j = split.job
                for kind, value in _run_split(job_list[j], split, options, tables[j], qualify, encodings[j],
                                              keep_keys):
                    if kind == "meta":
                        yield from _arrow("meta", j, split.index, None, names[j], width, pickle.dumps(value))
                    else:
                        yield from _arrow(kind, j, split.index, value, names[j], width)  # type: ignore[arg-type]

    def work_records(j: int, part: int, items: Iterator[tuple[int, bytes]]) -> Iterator[tuple[Any, ...]]:
        records = plans[j].records
        assert records is not None
        for kind, value in _run_records(job_list[j], j, part, records, items, options, tables[j], qualify,
                                        keep_keys):
            if kind == "meta":
                yield from _frame("meta", j, part, None, names[j], width, pickle.dumps(value)).iter_rows()
            else:
                yield from _frame(kind, j, part, value, names[j], width).iter_rows()  # type: ignore[arg-type]

    splits = [s for p in plans for s in p.splits]
    from pyspark.sql import types as T

    frames = []
    if splits:
        rdd = spark.sparkContext.parallelize([(pickle.dumps(s),) for s in splits], len(splits))  # a task per split
        frame = spark.createDataFrame(rdd, T.StructType([T.StructField("split", T.BinaryType())]))
        frames.append(frame.mapInArrow(work, _schema(width)))
    for j, plan in enumerate(plans):  # records without line breaks: Spark reads and cuts them itself
        if plan.records is not None:
            rows = records_rdd(spark, jobs[j].extract, plan.records.length, split_bytes).mapPartitionsWithIndex(
                lambda part, items, j=j: work_records(j, part, items))
            frames.append(spark.createDataFrame(rows, _schema(width), verifySchema=False))
    result = frames[0]
    for more in frames[1:]:
        result = result.union(more)
    result = result.persist()
    try:
        # One action brings what the driver needs: the splits' findings and, with --out, the rows to write.
        wanted = "kind != 'key'" if options.out_dir is not None else "kind = 'meta'"
        local = pl.from_arrow(result.filter(wanted).toArrow())
        assert isinstance(local, pl.DataFrame)
        metas = local.filter(pl.col("kind") == "meta").select("job", "split", "payload").iter_rows(named=True)
        by_job: dict[int, list[tuple[int, _SplitResult]]] = {}
        for m in metas:
            by_job.setdefault(m["job"], []).append((m["split"], pickle.loads(m["payload"])))
        parts: list[JobResult] = []
        taken: set[str] = set()
        for i, job in enumerate(jobs):
            found = list(before[i])
            stem = None
            if options.out_dir is not None:
                stem, renamed = output_stem(job.name, options.out_dir, taken, run_inputs(jobs))
                found += renamed
            engine = BatchEngine(job, options, qualify=qualify, tables=tables[i])
            issues = LineIssues(str(job.extract))
            extra: list[Finding] = list(plans[i].findings)
            rows = 0
            encoding = plans[i].encoding
            for _, res in sorted(by_job.get(i, []), key=lambda t: t[0]):
                engine.merge(res.partial)
                rows += res.rows
                encoding = encoding or res.encoding
                for key, n in res.counts.items():
                    target = next((k for k in issues.counts if k[0] == key[0]), None) if key[0] == "DAT001" else None
                    target = target or key
                    issues.counts[target] = issues.counts.get(target, 0) + n
                    seen = issues.lines.setdefault(target, [])
                    seen.extend(res.lines[key][:max(0, 5 - len(seen))])
                issues.bad_rows += res.bad_rows
                extra += [f for f in res.extra if all(not _same(f, g) for g in extra)]
            declared, records = plans[i].declared, plans[i].records
            if declared is not None and declared[0] != rows and (len(plans[i].splits) > 1 or records is not None):
                extra.append(make_finding("DAT009", Location(file=str(job.extract), line=declared[1]),
                                          declared=declared[0], actual=rows))
            if records is not None and records.trailed and not records.trailer and rows:  # a truncated file
                extra.append(make_finding("DAT013", Location(file=str(job.extract), line=records.total)))
            if rows == 0 and not any(f.code in ("DAT004", "DAT005") for f in extra):
                extra.append(make_finding("DAT005", Location(file=str(job.extract), line=1)))
            engine.rows_rejected += len(issues.bad_rows)
            output, rejects = _write_outputs(local, i, job, engine, issues, options, stem)
            table = TableRun(job, rows, engine.rows_out, engine.rows_rejected, _sha256(job.extract), encoding,
                             output, rejects, time.perf_counter() - started)
            parts.append(JobResult(table, engine, [*extra, *issues.findings()], found))
        if options.out_dir is not None:
            _write_parquet(result, jobs, names, options.out_dir, municipality)

        def cross(frames: Sequence[tuple[Job, pl.DataFrame]], opts: RunOptions) -> list[Finding]:
            return spark_cross_table(result, jobs, names, opts)

        return with_parquet(finish(parts, [], options, title=title, started=started, cross=cross), options)
    finally:
        result.unpersist()


def _same(a: Finding, b: Finding) -> bool:
    return a.code == b.code and a.message_en == b.message_en and a.location == b.location


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(8 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _collect(result: pl.DataFrame, kind: str, job: int, columns: list[str]) -> pl.DataFrame:
    return result.filter((pl.col("kind") == kind) & (pl.col("job") == job)).select(columns).sort(ROW)


def _write_outputs(result: pl.DataFrame, i: int, job: Job, engine: BatchEngine, issues: LineIssues, options: RunOptions,
                   stem: str | None) -> tuple[Path | None, Path | None]:
    """The converted and rejects CSV files the local run writes (read back from the cluster in row order)."""
    if options.out_dir is None or stem is None:
        return None, None
    out = options.out_dir
    out.mkdir(parents=True, exist_ok=True)
    names = engine.names
    output, rejects = out / f"{stem}.csv", out / f"{stem}.rejects.csv"
    for p in (output, rejects):
        _create_private(p)
    good = _collect(result, "row", i, [ROW, *[f"v{k}" for k in range(len(names))]])
    good = good.drop(ROW).rename({f"v{k}": n for k, n in enumerate(names)}) if good.height else \
        pl.DataFrame(schema={n: pl.String for n in names})
    with output.open("ab") as fh:
        good.write_csv(fh)
    keys = engine.reject_columns()
    cols = [ROW, LINE, *[f"v{names.index(k)}" for k in keys], "codes", "items"]
    rej = _collect(result, "reject", i, cols).rename({f"v{names.index(k)}": k for k in keys})
    if not rej.height:
        rej = pl.DataFrame(schema={ROW: pl.Int64, LINE: pl.Int64, **{k: pl.String for k in keys},
                                   "codes": pl.String, "items": pl.String})
    if issues.bad_rows:
        bad = pl.DataFrame({ROW: [b[0] for b in issues.bad_rows], LINE: [b[1] for b in issues.bad_rows]},
                           schema={ROW: pl.Int64, LINE: pl.Int64}).with_columns(
            *[pl.lit(None, dtype=pl.String).alias(k) for k in keys],
            pl.Series("codes", [b[2] for b in issues.bad_rows], dtype=pl.String), pl.lit("", dtype=pl.String)
            .alias("items"))
        rej = pl.concat([rej.select(bad.columns), bad])
    shown = spreadsheet_safe(rej.rename({ROW: "行番号", LINE: "物理行", "codes": "指摘コード", "items": "指摘項目"}))
    with rejects.open("ab") as fh:
        shown.write_csv(fh)
    return output, rejects


def _write_parquet(result: Any, jobs: Sequence[Job], names: list[list[str]], out_dir: Path,
                   municipality: str | None) -> None:
    """The converted rows of every job as Parquet under ``out_dir/converted/municipality=…/table=…``."""
    from pyspark.sql import functions as F

    for i, job in enumerate(jobs):
        rows = result.filter(f"kind = 'row' AND job = {i}").select(
            *[F.col(f"v{k}").alias(n) for k, n in enumerate(names[i])],
            F.lit(municipality or "-").alias("municipality"), F.lit(job.compiled.standard.name).alias("table"))
        rows.write.mode("append").partitionBy("municipality", "table").parquet(str(out_dir / "converted"))


def spark_cross_table(result: Any, jobs: Sequence[Job], names: list[list[str]], options: RunOptions) -> list[Finding]:
    """DAT201/DAT202/DAT204/DAT203/DAT405 as Spark aggregations and joins on the key rows of the run."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    keys = result.filter("kind = 'key'")
    findings: list[Finding] = []

    def col(i: int, item: str) -> str:
        return f"v{names[i].index(item)}"

    def local(frame: Any, item: str) -> pl.DataFrame:
        got = pl.from_arrow(frame.orderBy(ROW).toArrow())
        return got  # type: ignore[return-value]

    by_table = {(j.standard_schema.id, j.compiled.standard.name): i for i, j in enumerate(jobs)}
    for i, job in enumerate(jobs):
        table = job.compiled.standard
        mine = keys.filter(F.col("job") == i)
        key = [k for k in table.key if k in names[i]]
        if key:
            cols = [col(i, k) for k in key]
            w = Window.partitionBy(*cols)
            dup = mine.where(" AND ".join(f"{c} IS NOT NULL" for c in cols)).withColumn("n", F.count("*").over(w)) \
                .filter("n > 1").select(ROW, LINE, F.col(cols[0]).alias(key[0]))
            findings += _aggregate("DAT201", job, local(dup, key[0]), key[0], options, value_col=key[0],
                                   table=table.name, key=tuple(key))
        for item in table.items:
            ref = item.references
            if ref is None or item.name not in names[i]:
                continue
            schema_id = ref.schema or job.standard_schema.id
            t = by_table.get((schema_id, ref.table))
            if t is None or ref.item not in names[t]:
                continue
            known = keys.filter(F.col("job") == t).select(F.col(col(t, ref.item)).alias("__known")) \
                .where("__known IS NOT NULL").distinct()
            missing = mine.where(F.col(col(i, item.name)).isNotNull()).join(
                known, F.col(col(i, item.name)) == F.col("__known"), "left_anti").select(
                ROW, LINE, F.col(col(i, item.name)).alias(item.name))
            code = "DAT202" if schema_id == job.standard_schema.id else "DAT204"
            findings += _aggregate(code, job, local(missing, item.name), item.name, options, value_col=item.name,
                                   target=str(ref))
        if all(c in names[i] for c in ("世帯番号", "続柄コード1", "住民状態")):
            wrong = mine.filter(F.col(col(i, "住民状態")) == CURRENT).groupBy(F.col(col(i, "世帯番号")).alias("世帯番号")) \
                .agg(F.sum((F.col(col(i, "続柄コード1")) == HEAD).cast("long")).alias("heads"),
                     F.min(ROW).alias(ROW), F.min(LINE).alias(LINE)).filter("heads != 1")
            got = local(wrong, "世帯番号")
            for n, group in got.group_by("heads", maintain_order=True):
                code = "DAT405" if n[0] == 0 else "DAT203"
                findings += _aggregate(code, job, group, "世帯番号", options, value_col="世帯番号", heads=n[0])
    return findings
