"""Benchmark of a mapping run on a generated mainframe extract (fixed-width CP932, 851-byte records, ~40 items).

Prints, for each size: wall time and peak memory of the full run (``migrator validate`` with ``--out``: read,
convert, validate with pandera, write the converted file, rejects and reports) with its time per stage, the floor (polars alone
reading the same file: every record as one text column, no decoding or cutting), a naive baseline (pandas +
pandera's pandas API with per-row Python transforms, run on a sample and scaled linearly: it says so), and
the ratios. Every measurement runs in its own process, so its peak memory is its own.

    .venv/bin/python bench/validate.py                      # 1,000,000 residents
    .venv/bin/python bench/validate.py --rows 5000000       # the 5M case (peak memory goal < 2 GB)
    .venv/bin/python bench/validate.py --rows 100000 --naive-rows 20000

Extracts are generated once into bench/out/ (``bench/make_extract.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAPPING = ROOT / "migrator" / "data" / "mappings" / "juki_mainframe_jumin.xlsx"
PY = sys.executable

FLOOR = """
import sys, polars as pl
df = pl.read_csv(sys.argv[1], has_header=False, separator="\\x1f", quote_char=None, infer_schema=False,
                 encoding="utf8-lossy", new_columns=["record"])
print(df.height)
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


def measure(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB, stdout) of one child process."""
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return wall, usage.ru_maxrss / 1024, text


def extract(rows: int) -> Path:
    path = ROOT / "bench" / "out" / f"juki_{rows}.dat"
    if not path.exists():
        print(f"generating {path} ...", flush=True)
        subprocess.run([PY, str(ROOT / "bench" / "make_extract.py"), "--rows", str(rows), "--out", str(path)],
                       check=True, cwd=ROOT)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--naive-rows", type=int, default=50_000, help="sample size of the naive baseline")
    parser.add_argument("--batch-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1, help="best of N for the full run and the floor")
    args = parser.parse_args()
    path = extract(args.rows)
    size_mb = path.stat().st_size / 1e6
    env = {**os.environ, "MIGRATOR_LANG": "en"}
    with tempfile.TemporaryDirectory() as tmp:
        full = [PY, "-m", "migrator.cli", "--db", f"sqlite:///{tmp}/bench.sqlite", "validate", str(MAPPING),
                str(path), "--out", f"{tmp}/out", "--quiet", "--no-store", "--format", "json",
                "--batch-rows", str(args.batch_rows)]
        runs = [measure(full, env) for _ in range(args.repeat)]
        wall, peak, text = min(runs)
        summary = json.loads(text)["summary"] if text.strip().startswith("{") else {}
        floor = min(measure([PY, "-c", FLOOR, str(path)], env)[:2] for _ in range(args.repeat))
        naive_rows = min(args.naive_rows, args.rows)
        naive = measure([PY, "-c", NAIVE, str(path), str(naive_rows), f"{tmp}/naive.csv", str(MAPPING)], env)
    naive_scaled = naive[0] * args.rows / naive_rows
    print(f"extract: {path.name}, {args.rows:,} records, {size_mb:,.0f} MB (fixed-width CP932)")
    print(f"full run:  {wall:8.2f} s   peak {peak:7.0f} MB   rows out {summary.get('rows_out', '?'):,}"
          f"   (timings {summary.get('timings_s', {})})")
    stages = summary.get("stages_s", {})
    if stages:  # the reader runs in its own thread, beside the other stages
        print("  stages:  " + ",  ".join(f"{name} {seconds:.2f} s" for name, seconds in stages.items()))
    print(f"floor:     {floor[0]:8.2f} s   peak {floor[1]:7.0f} MB   (polars read_csv of the records as one text column)")
    scaled = "" if naive_rows == args.rows else f", measured on {naive_rows:,} rows ({naive[0]:.2f} s) and scaled linearly"
    print(f"naive:     {naive_scaled:8.2f} s   peak {naive[1]:7.0f} MB   (pandas + pandera, per-row transforms{scaled})")
    print(f"full / floor = {wall / floor[0]:.1f}x (goal <= 4x);  naive / full = {naive_scaled / wall:.1f}x (goal >= 10x);"
          f"  peak {peak / 1024:.2f} GB (goal < 2 GB at 5M)")


if __name__ == "__main__":
    main()
