"""Benchmark migrator.jp: polars expression vs a per-row Python loop over the same 1,000,000 values.

Run: .venv/bin/python bench/jp_primitives.py [N]
Prints, per rule, the polars time, the per-row loop time (the scalar function of the same rule) and the ratio.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections.abc import Callable

import polars as pl

from migrator import jp


def _era_code_dates(rng: random.Random, n: int) -> list[str]:
    start = dt.date(1900, 1, 1)
    out = []
    for _ in range(n):
        if rng.random() < 0.98:
            out.append(jp.format_wareki(start + dt.timedelta(days=rng.randrange(46_000)), "code"))
        else:
            out.append(f"{rng.randrange(7)}{rng.randrange(100):02d}{rng.randrange(14):02d}{rng.randrange(33):02d}")
    return out


def _kana(rng: random.Random, n: int) -> list[str]:
    alphabet = "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝﾞﾟｰ "
    return ["".join(rng.choice(alphabet) for _ in range(rng.randrange(4, 16))) for _ in range(n)]


def _mynumbers(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        base = f"{rng.randrange(10**11):011d}"
        check = jp.mynumber_check_digit(base) if rng.random() < 0.9 else rng.randrange(10)
        out.append(base + str(check))
    return out


def _names(rng: random.Random, n: int) -> list[str]:
    family = ["山田", "佐藤", "髙橋", "鈴木", "渡邊", "齋藤", "𠮷田", "田中", "伊藤", "小林"]
    given = ["太郎", "花子", "一郎", "美咲", "翔太", "剝", "葵", "陽菜"]
    return [rng.choice(family) + "　" + rng.choice(given) for _ in range(n)]


def _time(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(n: int = 1_000_000) -> None:
    rng = random.Random(42)
    rules: list[tuple[str, list[str], Callable[[pl.Expr], pl.Expr], Callable[[str], object]]] = [
        ("era-code date parse (GYYMMDD)", _era_code_dates(rng, n), jp.wareki_to_date_expr,
         lambda v: jp.parse_wareki(v).date),
        ("half→full kana", _kana(rng, n), jp.to_fullwidth_kana_expr, jp.to_fullwidth_kana),
        ("個人番号 check", _mynumbers(rng, n), jp.is_valid_mynumber_expr, jp.is_valid_mynumber),
        ("character class jis_x0208", _names(rng, n), lambda e: jp.in_charset_expr(e, "jis_x0208"),
         lambda v: jp.in_charset(v, "jis_x0208")),
    ]
    jp.in_charset("亜", "jis_x0208")  # build the JIS tables once, outside the timings
    print(f"{'rule':34} {'n':>9} {'polars s':>9} {'per-row s':>10} {'ratio':>7}")
    for name, values, expr, scalar in rules:
        frame = pl.DataFrame({"v": values})
        polars_result = frame.select(expr(pl.col("v")).alias("r"))["r"]
        polars_s = _time(lambda f=frame, e=expr: f.select(e(pl.col("v"))))
        loop_s = _time(lambda vs=values, s=scalar: [s(v) for v in vs])
        loop_result = [scalar(v) for v in values[:10_000]]
        assert polars_result[:10_000].to_list() == loop_result, name
        print(f"{name:34} {n:>9,} {polars_s:>9.2f} {loop_s:>10.2f} {loop_s / polars_s:>6.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
