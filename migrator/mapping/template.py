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
from migrator.schema import Item, Schema, Table

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
MIN_FILL = 60  # below this the 現行項目名 cell stays empty (candidates in 備考 only) …
MIN_CLEAR = 45  # … unless the candidate is at least this good and 10 points ahead of every other

# Romanised and English words of legacy item names (ATENA_NO, SEINEN_YMD, BIRTH_DATE) → the Japanese words the
# standard uses, so that a name in either script folds to the same comparison key. Whole tokens only.
_WORDS = {
    "ATENA": "宛名", "SETAI": "世帯", "NO": "番号", "NUM": "番号", "NUMBER": "番号", "BANGO": "番号",
    "JUMIN": "住民", "RESIDENT": "住民", "SBT": "種別", "SHUBETSU": "種別", "TYPE": "種別", "JOTAI": "状態",
    "STATUS": "状態", "KBN": "区分", "KUBUN": "区分", "IDO": "異動", "MOVE": "異動", "YMD": "年月日",
    "DATE": "年月日", "DT": "年月日", "JIYU": "事由", "REASON": "事由", "CD": "コード", "CODE": "コード",
    "SHIMEI": "氏名", "NAME": "氏名", "KJ": "", "KANJI": "", "KN": "カナ", "KANA": "カナ", "SEIBETSU": "性別",
    "SEX": "性別", "GENDER": "性別", "SEINEN": "生年月日", "SEINENGAPPI": "生年月日", "BIRTH": "生年月日",
    "BIRTHDAY": "生年月日", "ZOKUGARA": "続柄", "ZOKU": "続柄", "RELATION": "続柄", "JUSHO": "住所", "ADDR": "住所",
    "ADDRESS": "住所", "YUBIN": "郵便", "ZIP": "郵便", "POSTAL": "郵便", "POST": "郵便", "SHOJO": "消除",
    "NUSHI": "世帯主", "HEAD": "世帯主", "SETAIIN": "世帯員", "MEMBERS": "世帯員", "SU": "数", "COUNT": "数",
    "DANTAI": "市区町村", "LG": "市区町村", "CITY": "市区町村", "TODOFUKEN": "都道府県", "PREF": "都道府県",
    "SHIKUCHOSON": "市区町村", "CHOAZA": "町字", "TOWN": "町字", "KATAGAKI": "方書", "KOJIN": "個人",
    "MYNUMBER": "個人番号", "KOKUSEKI": "国籍", "NATIONALITY": "国籍", "TSUSHO": "通称", "ALIAS": "通称",
    "ZAIRYU": "在留", "KYUUJI": "旧氏", "KYUSHI": "旧氏", "TODOKE": "届出", "TODOKEDE": "届出", "TENNYU": "転入",
    "TENSHUTSU": "転出", "FUSHO": "不詳", "FLG": "フラグ", "FLAG": "フラグ", "ROMAJI": "ローマ字",
}


def _words(name: str) -> str:
    """Romanised or English tokens (split on ``_``, ``-``, spaces and case changes) replaced by Japanese."""
    if not re.search(r"[A-Za-z]{2,}", name):
        return name
    tokens = re.split(r"[_\-\s.]+|(?<=[a-z])(?=[A-Z])", unicodedata.normalize("NFKC", name))
    return "".join(_WORDS.get(t.upper(), t) for t in tokens if t)


def fold(name: str) -> str:
    """The comparison key of an item name (script, width, synonyms, spaces and brackets folded)."""
    text = unicodedata.normalize("NFKC", _words(name))
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
    bare = re.sub(r"(区分|コード)$", "", leg)
    if len(bare) >= 2 and std.endswith(bare) and len(bare) * 2 >= len(std):
        scores.append(0.5 + 0.4 * len(bare) / len(std))  # 状態区分 for 住民状態
    if standard.endswith("表記") and len(standard) > 2:  # 性別表記: written from the 性別 code
        head = fold(standard[:-2].rstrip("_"))
        scores.append(0.9 * max(_dice(head, leg), _dice(head, leg.replace("コード", ""))))
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
    label: str = ""  # what matched: the legacy name, or its description when the name says nothing

    @property
    def text(self) -> str:
        return self.label or self.legacy


def suggest(standard: Table, legacy: Table, *, limit: int = 3) -> dict[str, list[Suggestion]]:
    """Standard item → legacy items ranked by similarity (best first, scores ≥ MIN_SCORE)."""
    out: dict[str, list[Suggestion]] = {}
    for item in standard.items:
        # A layout book whose item names say nothing (F01, ITEM-07) carries the meaning in its 項目名 column
        # (the description): a short description is compared too.
        scored = []
        for li in legacy.items:
            by_name = similarity(item.name, li.name)
            by_text = similarity(item.name, li.description) if li.description and len(li.description) <= 20 else 0
            scored.append(Suggestion(li.name, by_text, li.description or "") if by_text > by_name
                          else Suggestion(li.name, by_name))
        scored = [s for s in scored if s.score >= MIN_SCORE]
        scored.sort(key=lambda s: (-s.score, legacy.item_names.index(s.legacy)))
        out[item.name] = scored[:limit]
    return out


_ATTRIBUTES = ("_不詳フラグ", "_不詳表記", "表記")


def _head(name: str, *legacy: str) -> str:
    """What an item is an attribute or a part of, for sharing one legacy item: 異動年月日 of
    異動年月日_不詳フラグ, 性別 of 性別表記, 続柄 of 続柄コード1, and 住所 of 住所_町字コード when the legacy
    item is a code (a composite 住所コード split by substr)."""
    for suffix in _ATTRIBUTES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    if "_" in name and any("コード" in fold(text) for text in legacy):
        return name.split("_")[0]
    return re.sub(r"(コード)?[0-9]*$", "", name) or name


def assign(standard: Table, ranked: dict[str, list[Suggestion]]) -> dict[str, str]:
    """Standard item → the legacy item to prefill: best pairs first, each legacy item used once (an attribute
    item such as 性別表記 may share its head's), and nothing below MIN_FILL."""
    def convincing(found: list[Suggestion], s: Suggestion) -> bool:
        others = [o.score for o in found if o.legacy != s.legacy]
        return s.score >= MIN_FILL or (s.score >= MIN_CLEAR and s.score - max(others, default=0) >= 10)

    def numbered(name: str, legacy: Suggestion) -> bool:
        """続柄コード2–4 are not 続柄: a numbered item takes the legacy item of its own number, or (number 1)
        one without a number."""
        own = re.search(r"([0-9]+)$", unicodedata.normalize("NFKC", name))
        theirs = re.search(r"([0-9]+)$", unicodedata.normalize("NFKC", legacy.text))
        if own is None:
            return True
        return own.group(1) == theirs.group(1) if theirs else own.group(1) == "1"

    pairs = sorted(((s.score, -standard.item_names.index(name), name, s.legacy, s.text)
                    for name, found in ranked.items() for s in found
                    if convincing(found, s) and numbered(name, s)), reverse=True)
    chosen: dict[str, str] = {}
    owner: dict[str, str] = {}  # legacy item → the head of the standard item it went to
    for _, _, name, legacy, text in pairs:
        if name in chosen or (legacy in owner and owner[legacy] != _head(name, legacy, text)):
            continue
        chosen[name] = legacy
        owner.setdefault(legacy, _head(name, legacy, text))
    return chosen


_WAREKI_FORMATS = ("GYYMMDD", "GEE.MM.DD", "和暦")


def _obvious(target: Item, source: Item | None) -> str | None:
    """The transform the layout makes obvious: 和暦 → wareki, half-width kana → zenkaku, a Western date
    format → date(...), and the 不詳 companions of a 和暦 date. None when nothing is obvious."""
    if source is None:
        return None
    wareki = source.type == "date" and (source.format or "").upper() in _WAREKI_FORMATS
    if target.name.endswith("_不詳フラグ") and wareki:
        return "trim | fusho_flag"
    if target.name.endswith("_不詳表記") and wareki:
        return "trim | fusho_text"
    if target.type == "date" and wareki:
        return "trim | wareki"
    if target.type == "date" and source.type == "date" and source.format:
        fmt = source.format.replace("YYYY", "%Y").replace("MM", "%m").replace("DD", "%d")
        return f'trim | date("{fmt}")' if "%" in fmt and fmt != "%Y-%m-%d" else "trim"
    if source.charset == "kana_half":
        return "trim | zenkaku"
    return None


def build_template(standard_schema: Schema, table: str, legacy_schema: Schema, legacy_table: str) -> Mapping:
    """A pre-filled mapping: every standard item, the assigned legacy item in 現行項目名 (left empty when no
    candidate is convincing) and the candidates with their scores in 備考."""
    std = standard_schema.table(table)
    leg = legacy_schema.table(legacy_table)
    ranked = suggest(std, leg)
    chosen = assign(std, ranked)
    rows = []
    for n, item in enumerate(std.items, start=1):
        best = ranked[item.name]
        note = None
        if best:
            note = "候補(要確認): " + ", ".join(f"{s.legacy} {s.score}" for s in best)
        source = leg.item(chosen[item.name]) if item.name in chosen else None
        rows.append(ItemRow(item.name, (source.name,) if source else (), _obvious(item, source), None, note, no=n))
    settings = {"マッピングID": f"{leg.name}-to-{std.name}", "標準スキーマ": standard_schema.id, "標準テーブル": std.name,
                "現行スキーマ": legacy_schema.id, "現行テーブル": leg.name}
    if leg.file is not None:
        settings["文字コード"] = leg.file.encoding
    if leg.key and std.key:
        # 照合キー pairs the legacy key with the standard key it becomes (only when the suggestion says so).
        if leg.key[0] == std.key[0]:
            settings["照合キー"] = leg.key[0]
        elif chosen.get(std.key[0]) == leg.key[0]:
            settings["照合キー"] = f"{leg.key[0]}={std.key[0]}"
    return Mapping(id=settings["マッピングID"], standard_schema=standard_schema.id, standard_table=std.name,
                   legacy_schema=legacy_schema.id, legacy_table=leg.name, encoding=settings.get("文字コード"),
                   settings=settings, items=tuple(rows))


def required_items(table: Table) -> set[str]:
    return {i.name for i in table.items if i.required}
