"""The ``migrator demo`` step for the Japanese primitives (the rest of migrator.jp imports nothing of ours)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import polars as pl

from . import charset, encoding, gaiji, ids, wareki, width

if TYPE_CHECKING:
    from migrator.demo import DemoContext, DemoStep

SAMPLE = "sample_data/extracts/juki_mainframe.dat"
RECORD_LENGTH = 851
# (name, start, length) in CP932 bytes, 1-based, from schemas/legacy/juki_mainframe.yaml
FIELDS = (("宛名番号", 2, 15), ("氏名", 39, 40), ("氏名カナ", 79, 40), ("生年月日", 159, 7),
          ("郵便番号", 233, 7), ("住所コード", 240, 11), ("個人番号", 618, 12))
GAIJI = gaiji.GaijiTable.from_pairs([("U+E000", "髙"), ("U+E001", "﨑")])


def summarize_extract(data: bytes) -> dict[str, object]:
    """Decode a sample mainframe extract and apply every primitive; counts only, no personal values."""
    detected = encoding.detect_encoding(data)
    rows: list[dict[str, str]] = []
    for line in data.split(b"\r\n"):
        if len(line) != RECORD_LENGTH or not line.startswith(b"1"):
            continue
        rows.append({name: line[s - 1:s - 1 + n].decode(detected.encoding).strip(" 　")
                     for name, s, n in FIELDS})
    frame = pl.DataFrame(rows)
    out = frame.select(
        wareki.parse_wareki_expr(pl.col("生年月日")).struct.field("status").alias("birth"),
        width.to_fullwidth_kana_expr(pl.col("氏名カナ")).alias("kana"),
        ids.is_valid_mynumber_expr(pl.col("個人番号")).alias("mynumber"),
        ids.is_valid_m11w27_expr(pl.col("宛名番号"), length=15).alias("atena"),
        ids.is_valid_lg_code_expr(pl.col("住所コード").str.slice(0, 6)).alias("lg"),
        ids.is_valid_postal_code_expr(ids.normalize_postal_code_expr(pl.col("郵便番号"))).alias("postal"),
        charset.in_charset_expr(gaiji.apply_gaiji_expr(pl.col("氏名"), GAIJI), "jis_x0213").alias("name_ok"),
    )
    unmapped = gaiji.unmapped_gaiji_frame(frame, "氏名", GAIJI)
    return {
        "encoding": str(detected.encoding), "encoding_reason": detected.reason, "records": frame.height,
        "birth_date_status": dict(sorted(out["birth"].value_counts().iter_rows())),
        "invalid_mynumber": int((~out["mynumber"]).sum()),
        "invalid_atena_number": int((~out["atena"]).sum()),
        "invalid_lg_code": int((~out["lg"]).sum()),
        "invalid_postal_code": int((~out["postal"]).sum()),
        "kana_items_still_half_width": int(out["kana"].str.contains("[ｦ-ﾟ]").sum()),
        "names_outside_jis_x0213_after_gaiji": int((~out["name_ok"]).sum()),
        "unmapped_gaiji": [{"codepoint": u.codepoint, "count": u.count} for u in unmapped],
    }


def demo_step(ctx: DemoContext) -> DemoStep:
    """Run the primitives on the bundled mainframe extract and write ``jp_primitives.json``."""
    from migrator.demo import DemoStep

    summary = summarize_extract((ctx.root / SAMPLE).read_bytes())
    path = ctx.out_dir / "jp_primitives.json"
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    birth = summary["birth_date_status"]
    assert isinstance(birth, dict)
    detail = (
        f"{summary['records']} records read as {summary['encoding']}; 生年月日 ok {birth.get('ok', 0)}, "
        f"invalid {birth.get('invalid', 0)}; 個人番号 check failures {summary['invalid_mynumber']}; "
        f"団体コード failures {summary['invalid_lg_code']}; unmapped 外字 {len(summary['unmapped_gaiji'])}"
        if ctx.lang == "en" else
        f"{summary['records']}件を{summary['encoding']}で読込。生年月日 正常{birth.get('ok', 0)}・不正"
        f"{birth.get('invalid', 0)}、個人番号検査数字誤り{summary['invalid_mynumber']}、団体コード誤り"
        f"{summary['invalid_lg_code']}、未対応外字{len(summary['unmapped_gaiji'])}種"
    )
    return DemoStep("jp", detail, (path,))
