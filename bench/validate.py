"""Benchmark of ``migrator validate`` against its floor and its peers, on generated extracts of residents.

Two layouts, each generated once into bench/out/ (git-ignored) from ``bench/make_extract.py``:

* **csv**: the RDB export of 個人 (37 columns, header) written in CP932, mapping ``juki_rdb_jumin``;
* **fixed**: the mainframe extract (fixed-width CP932, 851-byte records), mapping ``juki_mainframe_jumin``.

Contenders, each in its own process (so its peak memory is its own), run in alternating rounds (one of each
per round, so a neighbour's load on the shared machine falls on all of them alike); the median is reported:

* floor: the least any tool must do to have the records as text in polars (CSV: Python CP932 decode +
  ``pl.read_csv``; fixed: ``pl.read_csv`` of each record as one text column, no decoding or cutting);
* migrator: ``migrator validate --out --no-store`` (read, convert through the mapping, the standard table's
  checks, transform checks, rules, keys, converted file, rejects, reports);
* pandera-polars, Great Expectations (pandas) and frictionless (CSV only: none of them reads byte positions
  of a CP932 fixed-width file): the same column checks written by hand for each, taken from the legacy
  layout (required, length, digits, code lists, date patterns), read included. GX and frictionless are
  measured when installed (``pip install -e '.[bench]'``);
* naive (fixed only): pandas + pandera's pandas API with per-row Python transforms of the same mapping, run on
  two sample sizes and extrapolated by its slope (the fixed start-up is not scaled); its peak memory is that
  of the larger sample.

    .venv/bin/python bench/validate.py                              # 1,000,000 rows, both layouts, 3 rounds
    .venv/bin/python bench/validate.py --rows 20000 --rounds 1      # a quick look
    .venv/bin/python bench/validate.py --layout fixed --rows 5000000 --only floor,migrator   # 5M: time, memory

``--engine spark`` measures instead the Spark runner against the local one (``pip install -e '.[spark]'``, Java 17):
the same fixed-width extract through ``migrator validate`` and ``migrator validate --engine spark --master
local[2]`` (the overhead ratio on one machine, the JVM's start included), and a batch of 20 municipalities
(``--batch-jobs``, each an extract of ``--job-rows`` residents) through ``migrator batch`` on the local process
pool (``--workers 2``) and on Spark ``local[2]``:

    .venv/bin/python bench/validate.py --engine spark --rows 100000 --rounds 1
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAPPINGS = ROOT / "migrator" / "data" / "mappings"
PY = sys.executable

CSV_FLOOR = """
import sys, polars as pl
text = open(sys.argv[1], "rb").read().decode("cp932")
df = pl.read_csv(text.encode("utf-8"), infer_schema=False)
print(df.height)
"""

FIXED_FLOOR = """
import sys, polars as pl
df = pl.read_csv(sys.argv[1], has_header=False, separator="\\x1f", quote_char=None, infer_schema=False,
                 encoding="utf8-lossy", new_columns=["record"])
print(df.height)
"""

PANDERA = """
import json, sys
import pandera.polars as pa, polars as pl
checks = json.load(open(sys.argv[2], encoding="utf-8"))
text = open(sys.argv[1], "rb").read().decode("cp932")
df = pl.read_csv(text.encode("utf-8"), infer_schema=False)
columns = {}
for name, spec in checks.items():
    cs = []
    if spec.get("max_length"):
        cs.append(pa.Check.str_length(max_value=spec["max_length"]))
    if spec.get("length"):
        cs.append(pa.Check.str_length(spec["length"], spec["length"]))
    if spec.get("pattern"):
        cs.append(pa.Check.str_matches(spec["pattern"]))
    if spec.get("codes"):
        cs.append(pa.Check.isin(spec["codes"]))
    columns[name] = pa.Column(pl.String, cs, nullable=not spec.get("required"))
schema = pa.DataFrameSchema(columns)
try:
    schema.validate(df, lazy=True)
    print("failures 0")
except pa.errors.SchemaErrors as exc:
    print("failures", exc.failure_cases.height)
"""

GX = """
import json, sys
sys.modules["pyspark"] = None  # GX on pandas: its optional Spark support stays out (pyspark 4 without grpc exits on import)
import pandas as pd
import great_expectations as gx
import great_expectations.expectations as gxe
checks = json.load(open(sys.argv[2], encoding="utf-8"))
df = pd.read_csv(sys.argv[1], encoding="cp932", dtype=str, keep_default_na=False, na_values=[""])
context = gx.get_context(mode="ephemeral")
batch = context.data_sources.add_pandas("p").add_dataframe_asset("a").add_batch_definition_whole_dataframe(
    "b").get_batch(batch_parameters={"dataframe": df})
suite = context.suites.add(gx.ExpectationSuite(name="s"))
for name, spec in checks.items():
    if spec.get("required"):
        suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=name))
    if spec.get("max_length"):
        suite.add_expectation(gxe.ExpectColumnValueLengthsToBeBetween(column=name, max_value=spec["max_length"]))
    if spec.get("length"):
        suite.add_expectation(gxe.ExpectColumnValueLengthsToEqual(column=name, value=spec["length"]))
    if spec.get("pattern"):
        suite.add_expectation(gxe.ExpectColumnValuesToMatchRegex(column=name, regex=spec["pattern"]))
    if spec.get("codes"):
        suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column=name, value_set=spec["codes"]))
result = batch.validate(suite)
print("failures", sum(not r.success for r in result.results))
"""

FRICTIONLESS = """
import json, os, sys
from frictionless import Resource, Schema, fields
checks = json.load(open(sys.argv[2], encoding="utf-8"))
header = open(sys.argv[1], "rb").readline().decode("cp932").strip().split(",")
specs = []
for name in header:
    spec = checks.get(name, {})
    constraints = {}
    if spec.get("required"):
        constraints["required"] = True
    if spec.get("max_length"):
        constraints["maxLength"] = spec["max_length"]
    if spec.get("length"):
        constraints["minLength"] = constraints["maxLength"] = spec["length"]
    if spec.get("pattern"):
        constraints["pattern"] = spec["pattern"].lstrip("^").rstrip("$")
    if spec.get("codes"):
        constraints["enum"] = spec["codes"]
    specs.append(fields.StringField(name=name, constraints=constraints))
folder, name = os.path.split(os.path.abspath(sys.argv[1]))  # frictionless reads only below its basepath
resource = Resource(name, basepath=folder, format="csv", encoding="cp932", schema=Schema(fields=specs))
report = resource.validate()
print("failures", report.stats["errors"], report.flatten(["rowNumber", "fieldName", "type"])[:2])
"""

NAIVE = """
import re, sys
import pandas as pd
import pandera.pandas as pa
from pathlib import Path
from migrator import jp
from migrator.mapping import load_mapping, parse_pipe
from migrator.schema import SchemaRegistry

# The same mapping, applied the way a hand-written migration script does it: row by row, value by value,
# then pandas + pandera's pandas API for the standard table's checks.
path, limit, mapping_path = sys.argv[1], int(sys.argv[2]), sys.argv[4]
registry = SchemaRegistry.load()
mapping, _ = load_mapping(Path(mapping_path))
legacy = registry.get(mapping.legacy_schema).table(mapping.legacy_table)
standard_schema = registry.get(mapping.standard_schema)
standard = standard_schema.table(mapping.standard_table)
fields = [(i.name, i.start - 1, i.length) for i in legacy.items]
gaiji = {(chr(int(g.legacy[2:], 16)) if g.legacy.startswith("U+") else g.legacy): g.standard for g in mapping.gaiji}
codes = {name: mapping.code_table(name) for name in mapping.code_table_names}
CHECKS = {"mynumber": jp.is_valid_mynumber, "m11w27": jp.is_valid_m11w27, "lg_code": jp.is_valid_lg_code}

def step(name, args, v):
    if v is None:
        return None
    if name == "trim":
        return v.strip(" \\u3000") or None
    if name == "wareki":
        d = jp.parse_wareki(v).date
        return d.isoformat() if d else None
    if name == "fusho_flag":
        return "1" if str(jp.parse_wareki(v).status).endswith("unknown") else "0"
    if name == "fusho_text":
        return jp.parse_wareki(v).fusho_text
    if name == "gaiji":
        return "".join(gaiji.get(ch, ch) for ch in v)
    if name == "hankaku_to_zenkaku":
        return jp.to_fullwidth_kana(v)
    if name == "replace":
        return v.replace(args[0], args[1])
    if name == "checkdigit":
        CHECKS[args[0]](v)
        return v
    if name == "postal":
        return jp.normalize_postal_code(v)
    if name == "substr":
        return v[int(args[0]):int(args[0]) + int(args[1])]
    if name == "pad":
        return v.rjust(int(args[0]), args[1])
    if name == "code":
        return codes[args[0]].get(v)
    if name == "extract":
        m = re.search(args[0], v)
        return m.group(1) if m else None
    raise ValueError(name)

plans = []
for row in mapping.items:
    if row.excluded or not row.legacy and row.default is None:
        continue
    steps = [(s.name, [a.value for a in s.args]) for s in parse_pipe(row.transform).steps] if row.transform else []
    plans.append((row.standard, row.legacy[0] if row.legacy else None, row.default, steps))

rows = []
with open(path, "rb") as fh:
    for n, raw in enumerate(fh):
        if n >= limit:
            break
        rec = raw.rstrip(b"\\r\\n")
        if len(rec) != 851:
            continue
        src = {name: rec[s:s + l].decode("cp932").rstrip(" \\u3000") or None for name, s, l in fields}
        out = {}
        for target, source, default, steps in plans:
            v = src.get(source) if source else default
            for name, args in steps:
                v = step(name, args, v)
            out[target] = v
        rows.append(out)
frame = pd.DataFrame(rows, columns=list(standard.item_names)).astype("string")

def column(item):
    checks = []
    if item.max_length:
        checks.append(pa.Check.str_length(max_value=item.max_length))
    if item.charset == "digits":
        checks.append(pa.Check.str_matches(r"^[0-9]*$"))
    allowed = [c for t in item.code_tables if t in standard_schema.code_tables for c in standard_schema.code_tables[t].codes]
    if allowed:
        checks.append(pa.Check.isin(allowed))
    if item.type == "date":
        checks.append(pa.Check.str_matches(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))
    for name in item.checks:
        if name in CHECKS:
            checks.append(pa.Check(lambda v, f=CHECKS[name]: f(v), element_wise=True))
    return pa.Column(None, checks, nullable=not item.required)

schema = pa.DataFrameSchema({i.name: column(i) for i in standard.items})
try:
    schema.validate(frame, lazy=True)
except pa.errors.SchemaErrors as exc:
    print("failures", len(exc.failure_cases), file=sys.stderr)
frame.to_csv(sys.argv[3], index=False)
print(len(frame))
"""


@dataclass
class Contender:
    name: str
    command: list[str]
    does: str
    results: list[tuple[float, float]]  # (wall seconds, peak MB) per round
    note: str = ""
    cpu: list[float] = field(default_factory=list)  # CPU seconds (user + system) per round

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")

    @property
    def wall(self) -> float:
        return statistics.median(w for w, _ in self.results)

    @property
    def peak(self) -> float:
        return max(p for _, p in self.results)


def measure(args: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,),
            expect: str | None = None) -> tuple[float, float, str, float]:
    """(wall seconds, peak RSS in MB, stdout, CPU seconds: user + system) of one child process; an exit code not in ``ok``, or a stdout
    without ``expect`` (a peer that stopped before its result, e.g. a library exiting on import), stops."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=err, env=env, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        if os.waitstatus_to_exitcode(status) not in ok:
            err.seek(0)
            raise SystemExit(f"{args[:4]} failed:\n{err.read().decode('utf-8', 'replace')[-2000:]}")
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
        if expect is not None and expect not in text:
            err.seek(0)
            raise SystemExit(f"{args[:4]} printed no result ({expect!r}): it did not do its job, so it is not "
                             f"timed:\n{err.read().decode('utf-8', 'replace')[-2000:]}")
    return wall, usage.ru_maxrss / 1024, text, usage.ru_utime + usage.ru_stime


def fixed_extract(rows: int) -> Path:
    path = ROOT / "bench" / "out" / f"juki_{rows}.dat"
    if not path.exists():
        print(f"generating {path.name} ...", flush=True)
        subprocess.run([PY, str(ROOT / "bench" / "make_extract.py"), "--rows", str(rows), "--out", str(path)],
                       check=True, cwd=ROOT)
    return path


def csv_extract(rows: int) -> Path:
    """The RDB 個人 export of ``rows`` residents, in CP932 as a client-server system of that era writes it
    (its 外字 in the private use area, where CP932 puts them)."""
    path = ROOT / "bench" / "out" / f"juki_rdb_{rows}_kojin_cp932.csv"
    if path.exists():
        return path
    print(f"generating {path.name} ...", flush=True)
    folder = path.parent / f"rdb_{rows}"
    subprocess.run([PY, str(ROOT / "bench" / "make_extract.py"), "--layout", "rdb", "--rows", str(rows),
                    "--out", str(folder)], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    source = folder / "juki_rdb_kojin.csv"
    with source.open(encoding="utf-8", newline="") as src, path.open("wb") as out:
        for line in src:
            out.write(line.replace("𠮷", "\ue001").encode("cp932"))
    for f in folder.iterdir():
        f.unlink()
    folder.rmdir()
    return path


def csv_checks() -> dict[str, dict[str, object]]:
    """The peers' column checks, from the legacy layout of 個人: by CSV column, what each must hold."""
    from migrator.schema import SchemaRegistry

    schema = SchemaRegistry.load().get("legacy-juki-rdb")
    table = schema.table("個人")
    out: dict[str, dict[str, object]] = {}
    for item in table.items:
        spec: dict[str, object] = {}
        if item.required:
            spec["required"] = True
        if item.length and item.type != "code":
            spec["length"] = item.length
        elif item.max_length:
            spec["max_length"] = item.max_length
        if item.charset == "digits":
            spec["pattern"] = r"^[0-9]+$"
        if item.code_table and item.code_table in schema.code_tables:
            spec["codes"] = [code for code, _ in schema.code_tables[item.code_table].values]
        if item.type == "date":
            spec["pattern"] = r"^[0-9]{4}/[0-9]{2}/[0-9]{2}$"
        if item.type == "datetime":
            spec["pattern"] = r"^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"
        if spec:
            out[item.column or item.name] = spec
    return out


def count_checks(checks: dict[str, dict[str, object]]) -> int:
    return sum(len(spec) for spec in checks.values())


def installed(module: str) -> bool:
    return subprocess.run([PY, "-c", f"import {module}"], capture_output=True, cwd=ROOT).returncode == 0


def run_rounds(contenders: list[Contender], rounds: int, env: dict[str, str],
               after: Callable[[Contender, str], None] | None = None) -> None:
    for r in range(rounds):
        for c in contenders:
            peer = c.name in ("pandera-polars", "GX", "frictionless")  # each prints "failures N" when done
            wall, peak, text, cpu = measure(c.command, env, (0, 1) if c.name.startswith("migrator") else (0,),
                                            expect="failures" if peer else None)  # migrator exits 1 on findings
            c.results.append((wall, peak))
            c.cpu.append(cpu)
            if after:
                after(c, text)
            said = text.strip().splitlines()[-1][:60] if text.strip() and not text.lstrip().startswith("{") else ""
            print(f"  round {r + 1}: {c.name:<15} {wall:7.2f} s  {cpu:7.2f} s CPU  {peak:6.0f} MB   {said}", flush=True)


def table(title: str, contenders: list[Contender], rounds: int) -> None:
    base = next(c for c in contenders if c.name == "migrator")
    print(f"\n{title}: median of {rounds} alternating round(s)")
    print(f"  {'contender':<15} {'median wall':>12} {'vs migrator':>12} {'median CPU':>11} {'peak MB':>8}   what it does")
    for c in contenders:
        print(f"  {c.name:<15} {c.wall:10.2f} s {c.wall / base.wall:11.2f}x {c.cpu_median:9.2f} s {c.peak:8.0f}   "
              f"{c.does}{c.note}")


def bench_csv(rows: int, rounds: int, only: set[str], env: dict[str, str], tmp: Path, batch_rows: int) -> None:
    path = csv_extract(rows)
    checks = csv_checks()
    spec = tmp / "checks.json"
    spec.write_text(json.dumps(checks, ensure_ascii=False), encoding="utf-8")
    n = count_checks(checks)
    print(f"\nCSV: {path.name}, {rows:,} records, {path.stat().st_size / 1e6:,.0f} MB (CP932, 37 columns)")
    summary: dict[str, object] = {}
    contenders = [
        Contender("floor", [PY, "-c", CSV_FLOOR, str(path)], "Python CP932 decode + pl.read_csv, all text", []),
        Contender("migrator", [PY, "-m", "migrator.cli", "validate", str(MAPPINGS / "juki_rdb_jumin.xlsx"), str(path),
                               "--encoding", "cp932", "--out", str(tmp / "out-csv"), "--quiet", "--no-store",
                               "--format", "json", "--batch-rows", str(batch_rows)],
                  "read, map to the standard table, its checks, transform checks, rules, keys, outputs", []),
        Contender("pandera-polars", [PY, "-c", PANDERA, str(path), str(spec)],
                  f"decode + pl.read_csv + {n} column checks (pandera.polars, lazy)", []),
    ]
    if installed("great_expectations"):
        contenders.append(Contender("GX", [PY, "-c", GX, str(path), str(spec)],
                                    f"pandas.read_csv + {n} expectations (GX on pandas)", []))
    if installed("frictionless"):
        contenders.append(Contender("frictionless", [PY, "-c", FRICTIONLESS, str(path), str(spec)],
                                    f"{n} field constraints (frictionless validate)", []))
    contenders = [c for c in contenders if not only or c.name in only or c.name == "migrator"]

    def keep(c: Contender, text: str) -> None:
        if c.name == "migrator" and text.strip().startswith("{"):
            summary.update(json.loads(text)["summary"])

    run_rounds(contenders, rounds, env, keep)
    table(f"CSV CP932, {rows:,} rows", contenders, rounds)
    floor = next((c for c in contenders if c.name == "floor"), None)
    base = next(c for c in contenders if c.name == "migrator")
    if floor:
        print(f"  migrator / floor = {base.wall / floor.wall:.1f}x (goal <= 3x); CPU seconds "
              f"{base.cpu_median / floor.cpu_median:.1f}x (on a loaded machine the steadier of the two)")
    for name, goal in (("pandera-polars", ""), ("GX", " (goal >= 10x)"), ("frictionless", " (goal >= 15x)")):
        peer = next((c for c in contenders if c.name == name), None)
        if peer:
            print(f"  {name} / migrator = {peer.wall / base.wall:.2f}x{goal}  ({peer.does})")
    print(f"  migrator rows out {summary.get('rows_out', '?')}, stages {summary.get('stages_s', {})}")


def bench_fixed(rows: int, rounds: int, only: set[str], env: dict[str, str], tmp: Path, batch_rows: int,
                naive_rows: tuple[int, int]) -> None:
    path = fixed_extract(rows)
    print(f"\nfixed-width: {path.name}, {rows:,} records, {path.stat().st_size / 1e6:,.0f} MB (CP932, 851 bytes)")
    summary: dict[str, object] = {}
    mapping = MAPPINGS / "juki_mainframe_jumin.xlsx"
    contenders = [
        Contender("floor", [PY, "-c", FIXED_FLOOR, str(path)], "pl.read_csv of each record as one text column", []),
        Contender("migrator", [PY, "-m", "migrator.cli", "validate", str(mapping), str(path), "--out",
                               str(tmp / "out-fixed"), "--quiet", "--no-store", "--format", "json",
                               "--batch-rows", str(batch_rows)],
                  "read, map to the standard table, its checks, transform checks, rules, keys, outputs", []),
    ]
    contenders = [c for c in contenders if not only or c.name in only or c.name == "migrator"]

    def keep(c: Contender, text: str) -> None:
        if c.name == "migrator" and text.strip().startswith("{"):
            summary.update(json.loads(text)["summary"])

    run_rounds(contenders, rounds, env, keep)
    if not only or "naive" in only:
        small, large = (min(n, rows) for n in naive_rows)
        naive = [measure([PY, "-c", NAIVE, str(path), str(n), str(tmp / "naive.csv"), str(mapping)], env)
                 for n in (small, large)]
        if large > small:
            slope = (naive[1][0] - naive[0][0]) / (large - small)
            fixed = max(naive[0][0] - slope * small, 0.0)
            how = (f" (extrapolated: measured {naive[0][0]:.2f} s at {small:,} and {naive[1][0]:.2f} s at {large:,}"
                   f" rows; start-up {fixed:.2f} s + {slope * 1000:.3f} s per 1,000 rows; peak of the {large:,}-row"
                   " sample)")
            wall = fixed + slope * rows
        else:
            how, wall = " (measured on the whole file)", naive[1][0]
        contenders.append(Contender("naive", [], "pandas + pandera (pandas), per-row Python transforms",
                                    [(wall, naive[1][1])], how))
    table(f"fixed-width CP932, {rows:,} rows", contenders, rounds)
    floor = next((c for c in contenders if c.name == "floor"), None)
    base = next(c for c in contenders if c.name == "migrator")
    if floor:
        print(f"  migrator / floor = {base.wall / floor.wall:.1f}x (goal <= 4x); CPU seconds "
              f"{base.cpu_median / floor.cpu_median:.1f}x (on a loaded machine the steadier of the two)")
    print(f"  migrator peak {base.peak / 1024:.2f} GB (goal < 2 GB at 5M rows)")
    print(f"  migrator rows out {summary.get('rows_out', '?')}, stages {summary.get('stages_s', {})}")


def bench_spark(rows: int, rounds: int, env: dict[str, str], tmp: Path, jobs: int, job_rows: int) -> None:
    """Local engine vs Spark local[2]: one extract, then a batch of ``jobs`` municipalities."""
    from migrator.jp.ids import lg_code_check_digit  # the manifest's 団体コード carry their check digit

    migrator = str(Path(PY).with_name("migrator"))
    mapping = str(MAPPINGS / "juki_mainframe_jumin.xlsx")
    extract = fixed_extract(rows)
    one = [Contender("migrator", [migrator, "validate", mapping, str(extract), "--out", str(tmp / "l"),
                                  "--no-store", "--quiet"], "the local engine", []),
           Contender("migrator spark", [migrator, "validate", mapping, str(extract), "--out", str(tmp / "s"),
                                        "--no-store", "--quiet", "--engine", "spark", "--master", "local[2]"],
                     "Spark local[2], the JVM's start included", [])]
    run_rounds(one, rounds, env)
    table(f"one extract, fixed-width, {rows:,} rows", one, rounds)
    small = fixed_extract(job_rows)
    manifest = tmp / "batch.csv"
    manifest.write_text("job,municipality,mapping,extract\n" + "".join(
        f"m{k:02d},{13000 + k}{lg_code_check_digit(str(13000 + k))},{mapping},{small}\n"
        for k in range(1, jobs + 1)), encoding="utf-8")
    many = [Contender("migrator", [migrator, "batch", str(manifest), "--out", str(tmp / "bl"), "--workers", "2"],
                      "local process pool, 2 workers", []),
            Contender("migrator spark", [migrator, "batch", str(manifest), "--out", str(tmp / "bs"), "--engine",
                                         "spark", "--master", "local[2]"], "Spark local[2], the JVM's start included",
                      [])]
    run_rounds(many, rounds, env)
    table(f"batch of {jobs} municipalities, {job_rows:,} rows each", many, rounds)
    print(f"overhead ratio, one extract (spark / local): {one[1].wall / one[0].wall:.2f}")
    print(f"ratio, {jobs}-municipality batch (spark / local pool): {many[1].wall / many[0].wall:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--layout", choices=["csv", "fixed", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; the median is reported")
    parser.add_argument("--only", default="", help="comma-separated contenders (migrator always runs): "
                        "floor,pandera-polars,GX,frictionless,naive")
    parser.add_argument("--naive-rows", default="20000,50000", help="the naive baseline's two sample sizes")
    parser.add_argument("--batch-rows", type=int, default=100_000)
    parser.add_argument("--engine", choices=["local", "spark"], default="local",
                        help="spark: the Spark runner against the local one instead of the peers")
    parser.add_argument("--batch-jobs", type=int, default=20, help="--engine spark: municipalities in the batch")
    parser.add_argument("--job-rows", type=int, default=5000, help="--engine spark: rows per municipality")
    args = parser.parse_args()
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    small, large = (int(n) for n in args.naive_rows.split(","))
    env = {**os.environ, "MIGRATOR_LANG": "en", "GX_ANALYTICS_ENABLED": "false"}
    with tempfile.TemporaryDirectory() as tmp:
        if args.engine == "spark":
            bench_spark(args.rows, args.rounds, env, Path(tmp), args.batch_jobs, args.job_rows)
            return
        if args.layout in ("csv", "both"):
            bench_csv(args.rows, args.rounds, only, env, Path(tmp), args.batch_rows)
        if args.layout in ("fixed", "both"):
            bench_fixed(args.rows, args.rounds, only, env, Path(tmp), args.batch_rows, (small, large))


if __name__ == "__main__":
    main()
