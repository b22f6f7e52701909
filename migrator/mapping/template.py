"""Mapping templates: every standard item listed, with legacy items suggested by name similarity.

Names are compared after folding what Japanese naming varies on, for comparison only (never on data):
width (ﾌﾘｶﾞﾅ → フリガナ), カナ/フリガナ/かな, 誕生日/生年月日, 日付/日/年月日, the ``_`` hierarchy of standard
names (``住所_郵便番号`` also matches ``郵便番号``), and spaces or brackets. The score is a character-bigram
similarity (0–100); every suggestion is written with its score in 備考 so that a person confirms it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from migrator.mapping.model import ItemRow, Mapping
from migrator.schema import Schema, Table

_SYNONYMS = (
    (("ふりがな", "フリガナ", "かな", "カナ", "ヨミ", "よみ"), "カナ"),
    (("誕生日", "生年月日"), "生年月日"),
    (("年月日", "日付", "期日", "年月"), "日"),
    (("番号", "No", "NO", "no", "ＮＯ"), "番号"),
    (("コード", "CD", "cd", "ｺｰﾄﾞ"), "コード"),
    (("区分", "種別", "区別", "フラグ", "FLG", "flg"), "区分"),
    (("員数", "人数"), "人数"),
    (("氏名", "名前"), "氏名"),
    (("ローマ字", "英字", "アルファベット"), "ローマ字"),
    (("住所", "所在地"), "住所"),
    (("郵便番号", "郵便", "〒"), "郵便"),
)
MIN_SCORE = 30


def fold(name: str) -> str:
    """The comparison key of an item name (width, synonyms, spaces and brackets folded)."""
    text = unicodedata.normalize("NFKC", name)
    text = re.sub(r"[\s()（）\[\]「」【】・_\-の]", "", text)
    for variants, canon in _SYNONYMS:
        for variant in sorted(variants, key=len, reverse=True):
            text = text.replace(unicodedata.normalize("NFKC", variant), canon)
    return text


def _bigrams(text: str) -> list[str]:
    return [text[i:i + 2] for i in range(len(text) - 1)] if len(text) > 1 else [text]


def _dice(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    ga, gb = _bigrams(a), _bigrams(b)
    rest = list(gb)
    common = 0
    for g in ga:
        if g in rest:
            rest.remove(g)
            common += 1
    return 2 * common / (len(ga) + len(gb))


QUALIFIERS = ("不詳フラグ", "不詳表記")


def similarity(standard: str, legacy: str) -> int:
    """0–100: how likely ``legacy`` is the source of ``standard``."""
    std, leg = fold(standard), fold(legacy)
    scores = [_dice(std, leg), _dice(std.replace("コード", ""), leg.replace("コード", "")),
              _dice(fold(standard.replace("住所", "")), leg)]
    if leg and std.startswith(leg) and len(leg) * 2 >= len(std):
        scores.append(0.5 + 0.4 * len(leg) / len(std))  # 氏 of 氏名
    parts = [p for p in standard.split("_") if p]
    if len(parts) > 1:
        scores.append(0.95 * _dice(fold(parts[-1]), leg))  # the leaf: 郵便番号 of 住所_郵便番号
        if parts[-1] in QUALIFIERS:  # an attribute of the head: 異動年月日 of 異動年月日_不詳フラグ
            scores.append(0.9 * _dice(fold("_".join(parts[:-1])), leg))
    return round(100 * max(scores))


@dataclass(frozen=True)
class Suggestion:
    legacy: str
    score: int


def suggest(standard: Table, legacy: Table, *, limit: int = 3) -> dict[str, list[Suggestion]]:
    """Standard item → legacy items ranked by similarity (best first, scores ≥ MIN_SCORE)."""
    out: dict[str, list[Suggestion]] = {}
    for item in standard.items:
        scored = [Suggestion(li.name, similarity(item.name, li.name)) for li in legacy.items]
        scored = [s for s in scored if s.score >= MIN_SCORE]
        scored.sort(key=lambda s: (-s.score, legacy.item_names.index(s.legacy)))
        out[item.name] = scored[:limit]
    return out


def build_template(standard_schema: Schema, table: str, legacy_schema: Schema, legacy_table: str) -> Mapping:
    """A pre-filled mapping: every standard item, the best suggestion in 現行項目名 and all scores in 備考."""
    std = standard_schema.table(table)
    leg = legacy_schema.table(legacy_table)
    ranked = suggest(std, leg)
    rows = []
    for n, item in enumerate(std.items, start=1):
        best = ranked[item.name]
        note = None
        if best:
            note = "候補(要確認): " + ", ".join(f"{s.legacy} {s.score}" for s in best)
        rows.append(ItemRow(item.name, (best[0].legacy,) if best else (), None, None, note, no=n))
    settings = {"マッピングID": f"{leg.name}-to-{std.name}", "標準スキーマ": standard_schema.id, "標準テーブル": std.name,
                "現行スキーマ": legacy_schema.id, "現行テーブル": leg.name}
    if leg.file is not None:
        settings["文字コード"] = leg.file.encoding
    if leg.key:
        settings["照合キー"] = leg.key[0]
    return Mapping(id=settings["マッピングID"], standard_schema=standard_schema.id, standard_table=std.name,
                   legacy_schema=legacy_schema.id, legacy_table=leg.name, encoding=settings.get("文字コード"),
                   settings=settings, items=tuple(rows))


def required_items(table: Table) -> set[str]:
    return {i.name for i in table.items if i.required}
