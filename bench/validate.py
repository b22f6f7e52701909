"""Benchmark of a mapping run on a generated mainframe extract (fixed-width CP932, 851-byte records, ~40 items).

Prints, for each size: wall time and peak memory of the full run (``migrator validate`` with ``--out``: read,
convert, validate with pandera, write the converted file, rejects and reports), the floor (polars alone
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
MAPPING = ROOT / "mappings" / "juki_mainframe_jumin.xlsx"
PY = sys.executable

FLOOR = """
import sys, polars as pl
df = pl.read_csv(sys.argv[1], has_header=False, separator="\\x1f", quote_char=None, infer_schema=False,
                 encoding="utf8-lossy", new_columns=["record"])
print(df.height)
"""

NAIVE = """
import sys, datetime as dt
import pandas as pd
import pandera.pandas as pa
from migrator import jp
from migrator.schema import SchemaRegistry

path, limit = sys.argv[1], int(sys.argv[2])
legacy = SchemaRegistry.load().get("legacy-juki-mainframe").table()
fields = [(i.name, i.start - 1, i.length) for i in legacy.items]
SEX = {"M": "1", "F": "2"}
REL = {"01": "02", "02": "11", "04": "20"}

def wareki(text):
    r = jp.parse_wareki(text)
    return r.date.isoformat() if r.date else None

rows = []
with open(path, "rb") as fh:
    for n, raw in enumerate(fh):
        if n >= limit:
            break
        rec = raw.rstrip(b"\\r\\n")
        if len(rec) != 851:
            continue
        legacy_row = {name: rec[s:s + l].decode("cp932").rstrip(" \\u3000") or None for name, s, l in fields}
        rows.append({  # per-row transforms, as a hand-written migration script would do them
            "宛名番号": legacy_row["宛名番号"], "世帯番号": legacy_row["世帯番号"],
            "氏名": legacy_row["氏名"], "氏名_フリガナ": jp.to_fullwidth_kana(legacy_row["氏名カナ"] or ""),
            "生年月日": wareki(legacy_row["生年月日"]), "異動年月日": wareki(legacy_row["異動年月日"]),
            "届出年月日": wareki(legacy_row["届出年月日"]), "住民となった年月日": wareki(legacy_row["住民となった年月日"]),
            "消除年月日": wareki(legacy_row["消除年月日"]), "性別": SEX.get(legacy_row["性別"]),
            "続柄": REL.get(legacy_row["続柄"]), "郵便番号": legacy_row["郵便番号"],
            "住所_市区町村コード": (legacy_row["住所コード"] or "")[:6], "住所": legacy_row["住所"],
            "個人番号": legacy_row["個人番号"], "住民票コード": legacy_row["住民票コード"],
            "更新年月日": legacy_row["更新年月日"],
        })
frame = pd.DataFrame(rows)
digits = pa.Check.str_matches(r"^[0-9]*$")
schema = pa.DataFrameSchema({
    "宛名番号": pa.Column(str, [digits, pa.Check(lambda v: jp.is_valid_m11w27(v), element_wise=True)]),
    "世帯番号": pa.Column(str, [digits, pa.Check(lambda v: jp.is_valid_m11w27(v), element_wise=True)]),
    "氏名": pa.Column(str, pa.Check.str_length(1, 40)),
    "氏名_フリガナ": pa.Column(str, nullable=True),
    "生年月日": pa.Column(str, pa.Check.str_matches(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")),
    "異動年月日": pa.Column(str, pa.Check.str_matches(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")),
    "届出年月日": pa.Column(str, nullable=True), "住民となった年月日": pa.Column(str, nullable=True),
    "消除年月日": pa.Column(str, nullable=True),
    "性別": pa.Column(str, pa.Check.isin(["1", "2", "0"])),
    "続柄": pa.Column(str, pa.Check.isin(list(REL.values()))),
    "郵便番号": pa.Column(str, pa.Check.str_matches(r"^[0-9]{7}$"), nullable=True),
    "住所_市区町村コード": pa.Column(str, pa.Check(lambda v: jp.is_valid_lg_code(v), element_wise=True)),
    "住所": pa.Column(str, nullable=True),
    "個人番号": pa.Column(str, pa.Check(lambda v: jp.is_valid_mynumber(v), element_wise=True), nullable=True),
    "住民票コード": pa.Column(str, nullable=True), "更新年月日": pa.Column(str),
})
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
        naive = measure([PY, "-c", NAIVE, str(path), str(naive_rows), f"{tmp}/naive.csv"], env)
    naive_scaled = naive[0] * args.rows / naive_rows
    print(f"extract: {path.name}, {args.rows:,} records, {size_mb:,.0f} MB (fixed-width CP932)")
    print(f"full run:  {wall:8.2f} s   peak {peak:7.0f} MB   rows out {summary.get('rows_out', '?'):,}"
          f"   (timings {summary.get('timings_s', {})})")
    print(f"floor:     {floor[0]:8.2f} s   peak {floor[1]:7.0f} MB   (polars read_csv of the records as one text column)")
    scaled = "" if naive_rows == args.rows else f", measured on {naive_rows:,} rows ({naive[0]:.2f} s) and scaled linearly"
    print(f"naive:     {naive_scaled:8.2f} s   peak {naive[1]:7.0f} MB   (pandas + pandera, per-row transforms{scaled})")
    print(f"full / floor = {wall / floor[0]:.1f}x (goal <= 4x);  naive / full = {naive_scaled / wall:.1f}x (goal >= 10x);"
          f"  peak {peak / 1024:.2f} GB (goal < 2 GB at 5M)")


if __name__ == "__main__":
    main()
