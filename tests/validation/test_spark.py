"""``--engine spark``: the same findings and converted rows as the local engine, on Spark's local mode.

One SparkSession (``local[2]``) serves the whole test session. The tests are skipped, with the reason shown,
only where pyspark or Java is missing (``make test`` installs pyspark; ``.ci/run`` installs Java).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from migrator.schema import SchemaRegistry
from migrator.validation.run import RunOptions, RunResult, load_job, run_jobs
from tests.conftest import DATA, run_cli

EXTRACTS = DATA / "sample_data" / "extracts"
MAPPINGS = DATA / "mappings"
PAIRS = [(MAPPINGS / "juki_rdb_jumin.xlsx", EXTRACTS / "juki_rdb_kojin.csv"),
         (MAPPINGS / "juki_rdb_setai.xlsx", EXTRACTS / "juki_rdb_setai.csv")]


def _unavailable() -> str | None:
    try:
        import pyarrow  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as exc:
        return f"pyspark is not installed ({exc}); install migrator[spark]"
    if shutil.which("java") is None:
        return "no java on PATH (apt-get install openjdk-17-jre-headless)"
    return None


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    reason = _unavailable()
    if reason:
        pytest.skip(reason)
    from migrator.validation.spark import session

    # A driver JVM that lives for one test session: the client compiler alone and the serial collector start it
    # in about half the time and run these small jobs faster (measured: session 21 s -> 10 s, first run 51 -> 30 s).
    s = session("local[2]", app="migrator tests",
                conf={"spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"})
    yield s
    s.stop()


def _findings(result: RunResult) -> list[str]:
    return sorted(json.dumps(f.to_dict(), ensure_ascii=False, sort_keys=True, default=str)
                  for f in result.report.findings)


@pytest.fixture(scope="session")
def both(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResult, RunResult, Path, Path]:
    """The sample CSV pair with planted defects, run locally and on Spark (cut into several splits)."""
    from migrator.validation.spark import run_jobs_spark

    registry = SchemaRegistry.load()
    jobs = [load_job(w, e, registry=registry)[0] for w, e in PAIRS]
    assert all(jobs)
    local_out, spark_out = tmp_path_factory.mktemp("local"), tmp_path_factory.mktemp("spark")
    local = run_jobs([j for j in jobs if j], RunOptions(out_dir=local_out, reconcile=True))
    on_spark = run_jobs_spark([j for j in jobs if j], RunOptions(out_dir=spark_out, reconcile=True), spark=spark,
                              municipality="131016", split_bytes=300_000)
    return local, on_spark, local_out, spark_out


def test_spark_gives_the_local_findings(both: tuple[RunResult, RunResult, Path, Path]) -> None:
    local, on_spark, _, _ = both
    assert local.report.counts_by_code == on_spark.report.counts_by_code
    assert local.report.counts_by_code  # the planted defects are found
    assert _findings(on_spark) == _findings(local)  # codes, counts, rows, masked examples, mapping cells
    assert on_spark.gaiji == local.gaiji
    assert [(t.rows_in, t.rows_out, t.rows_rejected) for t in on_spark.tables] == \
        [(t.rows_in, t.rows_out, t.rows_rejected) for t in local.tables]


def test_spark_writes_the_local_rows_and_parquet_per_municipality_and_table(
        both: tuple[RunResult, RunResult, Path, Path]) -> None:
    local, _, local_out, spark_out = both
    for t in local.tables:
        assert t.output is not None and t.rejects is not None
        for name in (t.output.name, t.rejects.name):
            mine = (local_out / name).read_text(encoding="utf-8").splitlines()
            theirs = (spark_out / name).read_text(encoding="utf-8").splitlines()
            assert mine[0] == theirs[0] and sorted(mine[1:]) == sorted(theirs[1:])
    tables = sorted(p.name for p in (spark_out / "converted" / "municipality=131016").iterdir())
    assert tables == sorted(f"table={t.job.compiled.standard.name}" for t in local.tables)


def test_spark_cuts_a_fixed_width_extract_with_planted_defects_and_finds_the_same(
        spark: Any, tmp_path: Path) -> None:
    """Short records, a trailer and 外字: cut at line breaks into about nine splits, the same report."""
    from migrator.validation.spark import plan_splits, run_jobs_spark

    job, _ = load_job(MAPPINGS / "juki_mainframe_jumin.xlsx", EXTRACTS / "juki_mainframe.dat")
    assert job is not None
    options = RunOptions(out_dir=tmp_path / "local", reconcile=True)
    assert len(plan_splits(job, 0, options, 300_000).splits) > 2
    local = run_jobs([job], options)
    on_spark = run_jobs_spark([job], RunOptions(out_dir=tmp_path / "spark", reconcile=True), spark=spark,
                              split_bytes=300_000)
    assert local.report.counts_by_code and _findings(on_spark) == _findings(local)
    assert on_spark.gaiji == local.gaiji and local.gaiji
    name = job.name + ".csv"
    mine = (tmp_path / "local" / name).read_text(encoding="utf-8").splitlines()
    theirs = (tmp_path / "spark" / name).read_text(encoding="utf-8").splitlines()
    assert mine == theirs  # written in the extract's order, as the local run writes it


def test_spark_is_refused_clearly_without_java(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(workdir))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    result = run_cli("validate", str(PAIRS[1][0]), str(PAIRS[1][1]), "--engine", "spark", "--no-store",
                     expect=2)
    assert "CORE13" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_a_batch_on_spark_gives_the_local_rollup(spark: Any, tmp_path: Path) -> None:
    from migrator.validation.batch import read_manifest, run_batch
    from tests.validation.test_batch import _manifest

    jobs = read_manifest(_manifest(tmp_path))
    local = run_batch(jobs, RunOptions(), out_dir=tmp_path / "local", workers=1)
    on_spark = run_batch(jobs, RunOptions(), out_dir=tmp_path / "spark", engine="spark")
    assert on_spark.report.counts_by_code == local.report.counts_by_code and local.report.counts_by_code
    assert [(j["job"], j["rows_in"], j["rows_out"], j["exit_code"]) for j in on_spark.jobs] == \
        [(j["job"], j["rows_in"], j["rows_out"], j["exit_code"]) for j in local.jobs]
    assert (tmp_path / "spark" / "hachioji" / "converted" / "municipality=132012").is_dir()


def test_spark_reads_a_host_extract_without_line_breaks_as_the_local_engine_does(spark: Any, tmp_path: Path) -> None:
    """Records written back to back (a host system's file): Spark reads them itself in fixed-length records, cut
    into several partitions, and gives the local engine's rows, record numbers as lines and findings (the
    planted defects, the trailer's count, DAT009); a file ending in part of a record is read by one task and
    its last record is the local engine's DAT010."""
    from migrator.validation.spark import plan_splits, records_rdd, run_jobs_spark

    length = 851
    lines = (EXTRACTS / "juki_mainframe.dat").read_bytes().split(b"\r\n")
    records = [line.ljust(length) for line in lines if line]
    assert records[-1].startswith(b"9") and all(len(r) == length for r in records)
    host = tmp_path / "host.dat"
    host.write_bytes(b"".join(records[:1200] + records[1300:]))  # 100 records fewer than the trailer counts
    job, _ = load_job(MAPPINGS / "juki_mainframe_jumin.xlsx", host)
    assert job is not None
    plan = plan_splits(job, 0, RunOptions(), 300_000)
    assert plan.records is not None and not plan.splits
    assert records_rdd(spark, host, length, 300_000).getNumPartitions() > 2

    def both(name: str, split_bytes: int) -> tuple[RunResult, RunResult]:
        local = run_jobs([job], RunOptions(out_dir=tmp_path / f"{name}-local", reconcile=True))
        on_spark = run_jobs_spark([job], RunOptions(out_dir=tmp_path / f"{name}-spark", reconcile=True),
                                  spark=spark, split_bytes=split_bytes)
        for kind in (".csv", ".rejects.csv"):
            mine = (tmp_path / f"{name}-local" / (job.name + kind)).read_bytes()
            assert mine == (tmp_path / f"{name}-spark" / (job.name + kind)).read_bytes()
        return local, on_spark

    local, on_spark = both("whole", 300_000)
    assert _findings(on_spark) == _findings(local)
    assert "DAT009" in local.report.counts_by_code and len(local.report.counts_by_code) > 1  # + planted defects
    assert [(t.rows_in, t.rows_out, t.rows_rejected) for t in on_spark.tables] == \
        [(t.rows_in, t.rows_out, t.rows_rejected) for t in local.tables]

    host.write_bytes(b"".join(records[:150]) + records[150][:400])  # cut short in its 151st record, no trailer
    local, on_spark = both("partial", 60_000)
    assert _findings(on_spark) == sorted([*_findings(local), *[
        json.dumps(f.to_dict(), ensure_ascii=False, sort_keys=True, default=str)
        for f in on_spark.report.findings if f.code == "DAT500"]])
    assert {"DAT010", "DAT013"} <= set(local.report.counts_by_code)
    assert on_spark.report.counts_by_code["DAT500"] == 1


def _headed_job(tmp_path: Path, extract: Path) -> Any:
    """A mapping of the fixed-width layout with header (1), data (2) and trailer (9) records, 40 bytes each."""
    from migrator.schema.registry import default_schema_dirs
    from tests.validation.test_fixed_paths import write_headed

    job, found = load_job(write_headed(tmp_path), extract,
                          registry=SchemaRegistry.load(tmp_path / "schemas", *default_schema_dirs()))
    assert job is not None, [f.message_en for f in found]
    return job


def test_spark_numbers_records_without_line_breaks_around_a_header_blank_records_and_a_trailer(
        spark: Any, tmp_path: Path) -> None:
    """Short records cut two to a partition: a header record (no data), blank records (no data, numbered
    lines all the same), a wrong count in the trailer and a bad date give the local engine's lines and rows."""
    from migrator.validation.spark import records_rdd, run_jobs_spark

    def record(*fields: tuple[str, int]) -> bytes:
        return b"".join(text.encode("cp932").ljust(size, b" ") for text, size in fields)

    blank = b" " * 40
    data = [record(("2", 1), (f"{1000 + n}", 10), ("山田　太郎", 20), ("R06.04.01" if n != 4 else "R06.13.01", 9))
            for n in range(7)]
    host = tmp_path / "kojin.dat"
    host.write_bytes(b"".join([blank, record(("1", 1), ("ＪＵＫＩ　ＥＸＰ", 20), ("20240401", 19)), blank,
                               *data[:3], blank, blank, *data[3:], blank, record(("9", 1), ("0000000008", 39)),
                               blank]))
    job = _headed_job(tmp_path, host)
    assert records_rdd(spark, host, 40, 80).getNumPartitions() > 4  # two records a partition
    local = run_jobs([job], RunOptions(out_dir=tmp_path / "local"))
    on_spark = run_jobs_spark([job], RunOptions(out_dir=tmp_path / "spark"), spark=spark, split_bytes=80)
    assert _findings(on_spark) == _findings(local)
    lines = {f.code: f.location.line for f in local.report.findings if f.location.line}
    assert lines["DAT009"] == 14 and 10 in lines.values()  # the trailer, the bad date's record
    assert [(t.rows_in, t.rows_out, t.rows_rejected) for t in on_spark.tables] == \
        [(t.rows_in, t.rows_out, t.rows_rejected) for t in local.tables] == [(7, 6, 1)]
    for kind in (".csv", ".rejects.csv"):
        assert (tmp_path / "local" / ("headed" + kind)).read_bytes() == \
            (tmp_path / "spark" / ("headed" + kind)).read_bytes()


def test_spark_reads_a_trailer_code_in_the_middle_as_data_and_names_the_file_line_of_dat013(
        spark: Any, tmp_path: Path) -> None:
    """Lines cut into splits: a record with the trailer's code that ends a middle split is data (as the local run
    reads it: only the file's last record is its trailer), and DAT013 (no trailer) names the file's last line."""
    from migrator.validation.spark import plan_splits, run_jobs_spark

    records = [f"{'9' if n == 3 else '2'}{n:010d}{' ' * 20}R06.04.01".encode() for n in range(6)]
    host = tmp_path / "kojin.dat"
    host.write_bytes(b"\r\n".join(records) + b"\r\n")
    job = _headed_job(tmp_path, host)
    assert [s.end for s in plan_splits(job, 0, RunOptions(), 84).splits] == [84, 168, -1]  # line 4 ends split 2
    local = run_jobs([job], RunOptions())
    on_spark = run_jobs_spark([job], RunOptions(), spark=spark, split_bytes=84)
    assert _findings(on_spark) == _findings(local)
    assert [(f.code, f.location.line) for f in local.report.findings if f.code == "DAT013"] == [("DAT013", 6)]
    assert on_spark.tables[0].rows_in == local.tables[0].rows_in == 6
