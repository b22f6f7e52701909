"""Mapping templates: every standard item listed, with legacy items suggested by name similarity.

Names are compared after folding what Japanese naming varies on, for comparison only (never on data):
width (ﾌﾘｶﾞﾅ → フリガナ), カナ/フリガナ/かな, 誕生日/生年月日, 日付/日/年月日, the ``_`` hierarchy of standard
names (``住所_郵便番号`` also matches ``郵便番号``), and spaces or brackets. The score is a character-bigram
similarity (0–100); every suggestion is written with its score in 備考 so that a person confirms it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping as Map
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from migrator.i18n import join_list
from migrator.mapping.model import CodeEntry, ItemRow, Mapping
from migrator.mapping.terms import initials_fit, qualifiers, translate
from migrator.mapping.terms import label as vendor_label
from migrator.schema import CodeTable, Item, Schema, Table

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
MIN_FREED = 55  # … or this good and 10 ahead of every other that a better pair has not taken


@lru_cache(maxsize=65536)
def fold(name: str, *, legacy: bool = True) -> str:
    """The comparison key of an item name (script, width, synonyms, spaces and brackets folded).

    A legacy name is first translated to the standard's words (:func:`migrator.mapping.terms.translate`); a
    standard name is already in them.
    """
    text = unicodedata.normalize("NFKC", translate(name) if legacy else name)
    text = re.sub(r"[\s()（）\[\]「」【】・_\-の]", "", text)
    for variants, canon in _SYNONYMS:
        for variant in sorted(variants, key=len, reverse=True):
            text = text.replace(unicodedata.normalize("NFKC", variant), canon)
    return text


def _bigrams(text: str) -> list[str]:
    return [text[i:i + 2] for i in range(len(text) - 1)] if len(text) > 1 else [text]


@lru_cache(maxsize=65536)
def _dice(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    ga, gb = Counter(_bigrams(a)), Counter(_bigrams(b))
    common = sum((ga & gb).values())
    return 2 * common / (ga.total() + gb.total())


QUALIFIERS = ("不詳フラグ", "不詳表記")
_GENERIC_LEAVES = ("フリガナ", "コード", "番号", "表記", "年", "月", "日")


@lru_cache(maxsize=65536)
def similarity(standard: str, legacy: str) -> int:
    """0–100: how likely ``legacy`` is the source of ``standard``."""
    std, leg = fold(standard, legacy=False), fold(legacy)
    scores = [_dice(std, leg), _dice(std.replace("コード", ""), leg.replace("コード", "")),
              _dice(fold(standard.replace("住所", ""), legacy=False), leg)]
    if leg and std.startswith(leg) and len(leg) * 2 >= len(std):
        scores.append(0.5 + 0.4 * len(leg) / len(std))  # 氏 of 氏名
    bare = re.sub(r"(区分|コード)$", "", leg)
    if len(bare) >= 2 and std.endswith(bare) and len(bare) * 2 >= len(std):
        scores.append(0.5 + 0.4 * len(bare) / len(std))  # 状態区分 for 住民状態
    if standard.endswith("表記") and len(standard) > 2:  # 性別表記: written from the 性別 code
        head = fold(standard[:-2].rstrip("_"), legacy=False)
        scores.append(0.9 * max(_dice(head, leg), _dice(head, leg.replace("コード", ""))))
    parts = [p for p in standard.split("_") if p]
    if len(parts) > 1:
        # the leaf: 郵便番号 of 住所_郵便番号 (方書_フリガナ of 住所_方書_フリガナ: a generic leaf keeps its parent)
        leaf = "_".join(parts[-2:]) if parts[-1] in _GENERIC_LEAVES and len(parts) > 2 else parts[-1]
        if leaf not in _GENERIC_LEAVES:
            scores.append(0.95 * _dice(fold(leaf, legacy=False), leg))
        if parts[-1] in QUALIFIERS:  # an attribute of the head: 異動年月日 of 異動年月日_不詳フラグ
            scores.append(0.9 * _dice(fold("_".join(parts[:-1]), legacy=False), leg))
    return round(100 * max(scores))


@dataclass(frozen=True)
class Suggestion:
    legacy: str
    score: int
    label: str = ""  # what matched: the legacy name, or its description when the name says nothing

    @property
    def text(self) -> str:
        return self.label or self.legacy


# ---------------------------------------------------------------------------------------------- evidence

_WAREKI_FORMATS = ("GYYMMDD", "GEE.MM.DD", "和暦")


@dataclass(frozen=True)
class Shape:
    """What the layout (or, where it says nothing, a sample of the extract) tells about a legacy item."""

    type: str
    size: int | None = None
    exact: bool = False
    charset: str | None = None
    wareki: bool = False
    date_format: str | None = None
    codes: frozenset[str] = frozenset()
    labels: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()  # the layout's code table: code → label


def _sample_shape(values: Sequence[str]) -> Shape | None:
    """The shape a column's sample values show: 和暦 or Western dates, digits, kana, a short code list."""
    from migrator import jp

    vals = [v.strip(" \u3000\t") for v in values if v is not None and v.strip(" \u3000\t")]
    if len(vals) < 3:
        return None
    lengths = {len(v) for v in vals}
    size = max(lengths)
    exact = len(lengths) == 1
    if all(v.isdigit() for v in vals):
        readable = sum(jp.parse_wareki(v, koseki=True).status not in ("invalid", "blank") for v in vals)
        if size == 7 and exact and readable >= 0.9 * len(vals):
            return Shape("date", 7, True, "digits", wareki=True, date_format="GYYMMDD")
        if size == 8 and exact and all(v[:2] in ("18", "19", "20") and "01" <= v[4:6] <= "12" for v in vals):
            return Shape("date", 8, True, "digits", date_format="YYYYMMDD")
        distinct = set(vals)
        if size <= 3 and len(distinct) <= 30:
            return Shape("code", size, exact, "digits", codes=frozenset(distinct))
        return Shape("string", size, exact, "digits")
    if all(re.fullmatch(r"(18|19|20)\d\d[-/]\d\d[-/]\d\d", v) for v in vals):
        return Shape("date", 10, True, None, date_format="YYYY-MM-DD" if "-" in vals[0] else "YYYY/MM/DD")
    # 和暦 written out (H01.01.08, 昭和50年3月15日, S45.12.1), maybe mixed with GYYMMDD: what `wareki` reads.
    if any(re.match(r"[MTSHRmtshr明大昭平令]", v) for v in vals):
        readable = sum(jp.parse_wareki(v, koseki=True).status not in ("invalid", "blank") for v in vals)
        if readable >= 0.9 * len(vals):
            return Shape("date", size, False, None, wareki=True, date_format="和暦")
    if all(re.fullmatch(r"[\uff61-\uff9f ]+", v) for v in vals):
        return Shape("string", size, False, "kana_half")
    if all(re.fullmatch(r"[\u30a0-\u30ff\u3000 ]+", v) for v in vals):
        return Shape("string", size, False, "kana_full")
    distinct = set(vals)
    if size <= 3 and len(distinct) <= 30 and len(distinct) * 2 <= len(vals):
        return Shape("code", size, exact, None, codes=frozenset(distinct))
    return None


def shape_of(item: Item, code_tables: Map[str, CodeTable], sample: Sequence[str] | None = None) -> Shape:
    """The :class:`Shape` of a legacy item: its layout, completed from a sample where the layout says nothing."""
    fmt = (item.format or "").upper()
    table = code_tables.get(item.code_table) if item.code_table else None
    shape = Shape(item.type, item.size, item.length is not None, item.charset,
                  wareki=item.type == "date" and fmt in _WAREKI_FORMATS, date_format=item.format,
                  codes=frozenset(table.codes) if table else frozenset(),
                  labels=tuple(label for _, label in table.values) if table else (),
                  pairs=table.values if table else ())
    seen = _sample_shape(sample) if sample else None
    if seen is None:
        return shape
    if item.type == "string" and not item.charset and seen.type in ("date", "code"):
        return Shape(seen.type, shape.size or seen.size, shape.exact or seen.exact, seen.charset, seen.wareki,
                     seen.date_format, seen.codes, shape.labels)
    if seen.type == "code" or item.type == "code":
        return Shape(shape.type, shape.size, shape.exact, shape.charset or seen.charset, shape.wareki,
                     shape.date_format, shape.codes | seen.codes, shape.labels)
    if not item.charset and seen.charset:
        return Shape(shape.type, shape.size, shape.exact, seen.charset, shape.wareki, shape.date_format,
                     shape.codes, shape.labels)
    return shape


def _label(text: str) -> str:
    """A code label compared: width folded, 者/住民/人 and a bracketed remark dropped, a vendor's word replaced
    by the standard table's (現存 → 住登, 職権消除 → 消除; terms.yaml ``labels``)."""
    text = unicodedata.normalize("NFKC", text).strip()
    text = re.sub(r"(\(.*?\)|者|住民|人)$", "", text) or text
    return vendor_label(text)


def _code_overlap(std: CodeTable | None, shape: Shape, *, exact: bool = False) -> float | None:
    """How far a legacy code list agrees with the standard's table (labels first, else codes); None: unknown.
    ``exact``: a label counts only when it is a standard label (not when one contains the other)."""
    if std is None or not (shape.labels or shape.codes):
        return None
    if shape.labels:
        ours = [_label(label) for label in shape.labels]
        theirs = [_label(label) for _, label in std.values]
        hits = sum(any(a == b or (not exact and ((len(a) > 1 and a in b) or (len(b) > 1 and b in a)))
                       for b in theirs) for a in ours)
        return hits / len(ours)
    return len(shape.codes & set(std.codes)) / len(shape.codes)


def _evidence(std: Item, std_codes: Map[str, CodeTable], shape: Shape) -> int:
    """Points for or against a pair from everything but the names: type, length, characters, code lists."""
    points = 0
    date_like = shape.type == "date"
    if std.type == "date":
        points += 8 if date_like else (-5 if shape.type == "string" and shape.charset == "digits"
                                       and shape.size in (7, 8) else -25)
    elif std.type == "flag":
        points += -25 if date_like or (shape.size or 1) > 2 else 4
    elif date_like:
        points -= 25  # a date for a code, a number or a text
    elif std.type == "code":
        points += 6 if shape.type in ("code", "flag") else (-15 if (shape.size or 0) > 10 else 0)
    elif std.type == "string" and (std.max_length or 0) >= 20 and shape.type == "code" and not std.name.endswith("表記"):
        points -= 10  # a code for a name or a text
    elif std.type == "integer":
        points += 5 if shape.type == "integer" else 0
    if std.length is not None and shape.size is not None:
        if shape.size == std.length or (shape.size == 8 and "郵便" in std.name):
            points += 5
        elif shape.size < std.length and not ("町字" in std.name and shape.size >= 5):
            points -= 10
        elif shape.size > 2 * std.length + 2 and not _composite(std.name, shape):
            points -= 15  # an address text for a 7-digit code
        elif shape.size > std.length and std.charset == "digits" and not _composite(std.name, shape):
            points -= 8  # a 7-digit 町字コード for the 6-digit 市区町村コード
    elif std.max_length is not None and shape.size is not None:
        if std.max_length <= 5 and shape.size > 2 * std.max_length + 2:
            points -= 30  # a 40-character text for a 3-character code
        elif shape.size > 3 * std.max_length + 10:
            points -= 15
        elif shape.size > std.max_length:
            points -= 5  # would not fit: a 60-character 方書 for the 20-character 方書コード
    if std.charset == "kana_full":
        points += 12 if shape.charset in ("kana_full", "kana_half") else (-30 if shape.charset == "digits" else 0)
    elif std.charset == "digits" and shape.charset in ("kana_full", "kana_half"):
        points -= 30
    if std.code_tables:
        overlaps = [_code_overlap(std_codes.get(t), shape) for t in std.code_tables]
        known = [o for o in overlaps if o is not None]
        if known:
            best = max(known)
            points += round(20 * best) if best > 0 else -10
    return points


CODE_TABLE_SCORE = 40  # a name that says nothing, but a code table whose labels are the standard's


def _same_codes(std: Item, std_codes: Map[str, CodeTable], shape: Shape) -> bool:
    """The layout's own code table for this item has (nearly) the standard item's labels, label by label: the
    evidence of a 現存区分 {現存, 転出, 死亡, 職権消除} for 住民状態 when its name says nothing."""
    if not std.code_tables or len(shape.labels) < 2:
        return False
    found = [_code_overlap(std_codes.get(t), shape, exact=True) for t in std.code_tables]
    return max((o for o in found if o is not None), default=0.0) >= 0.75


_PART_WORDS = {"市区町村コード": ("市区町村", "市町村", "団体"), "町字コード": ("町字", "町丁", "大字")}


def _names_part(name: str, text: str) -> bool:
    """A composite address code whose name or description names this part (住所ＣＤ（市町村６＋町字５）)."""
    words = next((w for part, w in _PART_WORDS.items() if name.endswith(part)), ())
    folded = unicodedata.normalize("NFKC", text)
    return any(w in folded for w in words)


def _qualified(score: int, std_text: str, legacy_text: str) -> int:
    """A pair whose names carry different qualifiers (転入前住所_郵便番号 for a plain 郵便番号) loses points; one
    whose legacy name lacks a qualifier of the standard item is never convincing on its own (below MIN_CLEAR)."""
    ours, theirs = qualifiers(unicodedata.normalize("NFKC", std_text)), qualifiers(translate(legacy_text))
    score -= 20 * min(len(ours ^ theirs), 2)
    return min(score, MIN_CLEAR - 1) if ours - theirs else score


def _record_prefix(names: Sequence[str]) -> str:
    """A prefix nearly every item of a layout carries (``JK-`` of a COBOL record): dropped before comparing."""
    heads = [re.match(r"([A-Za-z0-9]{1,4}[-_])", n) for n in names]
    found = [h.group(1) for h in heads if h]
    if len(names) >= 4 and found and found.count(found[0]) >= 0.8 * len(names):
        return found[0]
    return ""


def suggest(standard: Table, legacy: Table, *, limit: int = 3, standard_codes: Map[str, CodeTable] | None = None,
            legacy_codes: Map[str, CodeTable] | None = None, samples: Map[str, Sequence[str]] | None = None,
            evidence: bool = True) -> dict[str, list[Suggestion]]:
    """Standard item → legacy items ranked by score (best first, scores ≥ MIN_SCORE).

    The score is the name similarity (the item name, its physical column name, or a short description when
    the name says nothing) adjusted by the rest of the evidence (``evidence``): type and date form, length,
    characters, agreement of the code lists (labels of the layout's code table, or the values of ``samples``),
    the qualifiers of the names (転入前, 消除, 届出 …) and, a little, the position in the layout.
    """
    std_codes = standard_codes or {}
    leg_codes = legacy_codes or {}
    prefix = _record_prefix(legacy.item_names)
    shapes = {li.name: shape_of(li, leg_codes, (samples or {}).get(li.name)) for li in legacy.items}
    out: dict[str, list[Suggestion]] = {}
    n_std, n_leg = max(len(standard.items) - 1, 1), max(len(legacy.items) - 1, 1)
    for si, item in enumerate(standard.items):
        scored = []
        for lj, li in enumerate(legacy.items):
            # A layout book whose item names say nothing (F01, ITEM-07) carries the meaning in its 項目名 column
            # (the description): a short description is compared too, and so is the physical column name.
            texts = [(li.name[len(prefix):] if prefix and li.name.startswith(prefix) else li.name, "")]
            if li.column and li.column != li.name:
                texts.append((li.column, ""))
            if li.description and len(li.description) <= 20:
                texts.append((li.description, li.description))
            lead = re.split(r"[。、,，:：;；\n]", li.description or "")[0].strip()
            if lead != li.description and 2 <= len(lead) <= 20:
                texts.append((lead, lead))  # a comment's first phrase: 生年月日。和暦で格納 …
            best, label, text = max((similarity(item.name, t), lab, t) for t, lab in texts)
            shape = shapes[li.name]
            if evidence and best < CODE_TABLE_SCORE and _same_codes(item, std_codes, shape):
                best = CODE_TABLE_SCORE
            score = best
            if evidence and best >= MIN_SCORE - 10:
                score += _evidence(item, std_codes, shape) + round(2 * (1 - abs(si / n_std - lj / n_leg)))
                if _composite(item.name, shape) and any(_names_part(item.name, t) for t, _ in texts):
                    score += 10
                fits = initials_fit(item.name, translate(text))
                if fits is not None:
                    score += 8 if fits else -8  # S of JSHO-SCD: 市区町村 (shichoson), not 方書 (katagaki)
                score = _qualified(score, item.name, text)
                if "_" in item.name and fold(text) == fold(item.name.split("_")[0], legacy=False) \
                        and not item.name.endswith("_町字"):
                    # a whole address for one of its parts: never convincing alone (the 町字 text takes it)
                    score = min(score, MIN_CLEAR - 1)
            scored.append(Suggestion(li.name, max(0, min(100, score)), label))
        scored = [s for s in scored if s.score >= MIN_SCORE]
        scored.sort(key=lambda s: (-s.score, legacy.item_names.index(s.legacy)))
        out[item.name] = scored[:limit]
    return out


# ---------------------------------------------------------------------------------------------- assignment


def companions(standard: Table) -> dict[str, str]:
    """Standard items that are written from another item's source → that item: the 不詳フラグ and 不詳表記 of
    a date (異動年月日_不詳フラグ), and the 表記 of a code (性別表記 of 性別, 続柄表記 of 続柄コード1)."""
    out: dict[str, str] = {}
    for item in standard.items:
        for companion in (item.unknown_flag, item.unknown_text):
            if companion and standard.has_item(companion):
                out[companion] = item.name
    for item in standard.items:
        if item.name.endswith("表記") and item.name not in out:
            head = item.name[:-2].rstrip("_")
            code = next((i for i in standard.items if i.code_tables and i.name.startswith(head) and head), None)
            if code is not None:
                out[item.name] = code.name
    return out


def _number(text: str) -> str | None:
    found = re.search(r"([0-9]+)\)?$", unicodedata.normalize("NFKC", text))
    return found.group(1) if found else None


def _numbered(name: str, legacy: Suggestion) -> bool:
    """続柄コード2–4 are not 続柄: a numbered item takes the legacy item of its own number, or (number 1) one
    without a number."""
    own = _number(name)
    if own is None:
        return True
    theirs = _number(legacy.text) or (_number(legacy.legacy) if not legacy.label else None)
    return own == theirs if theirs else own == "1"


_PARTS = ("市区町村コード", "町字コード")


def _composite(name: str, shape: Shape) -> bool:
    """A legacy 住所コード (市区町村コード 6 digits + 町字コード 5 or 7) may feed both parts of an address."""
    return name.endswith(_PARTS) and shape.charset == "digits" and shape.size in (11, 13)


@dataclass(frozen=True)
class Choice:
    legacy: str
    transform: str | None


def assign(standard: Table, ranked: dict[str, list[Suggestion]],
           shapes: Map[str, Shape] | None = None) -> dict[str, Choice]:
    """Standard item → the legacy item to prefill and its obvious transform.

    Best pairs first over the whole score matrix, each legacy item used once; a convincing candidate only
    (MIN_FILL, or MIN_CLEAR and 10 ahead of the next); the companions of an item (its 不詳フラグ/不詳表記, its
    表記) take their own legacy item when one is convincing, else the source of their head when that source
    can give them (a 和暦 date, a code); the two parts of an address code may share one composite 住所コード.
    """
    shapes = shapes or {}
    follow = companions(standard)

    chosen: dict[str, Choice] = {}
    owner: dict[str, list[str]] = {}

    def convincing(found: list[Suggestion], s: Suggestion) -> bool:
        others = [o for o in found if o.legacy != s.legacy]
        free = [o.score for o in others if o.legacy not in owner]
        # 10 ahead of every other candidate; or, at MIN_FREED, of those a better-scored pair has not taken
        return s.score >= MIN_FILL or (s.score >= MIN_CLEAR and s.score - max((o.score for o in others), default=0)
                                       >= 10) or (s.score >= MIN_FREED and s.score - max(free, default=0) >= 10)

    index = {n: k for k, n in enumerate(standard.item_names)}
    pairs = sorted(((s.score, -index[name], name, s) for name, found in ranked.items() for s in found
                    if name not in follow and s.score >= MIN_CLEAR and _numbered(name, s)),
                   key=lambda p: (p[0], p[1]), reverse=True)
    for _, _, name, s in pairs:
        if name in chosen or not convincing(ranked[name], s):
            continue
        taken = owner.get(s.legacy, [])
        shape = shapes.get(s.legacy, Shape("string"))
        if taken and not (len(taken) == 1 and _composite(name, shape) and _composite(taken[0], shape)
                          and name.rsplit("_", 1)[0] == taken[0].rsplit("_", 1)[0] and name != taken[0]):
            continue
        chosen[name] = Choice(s.legacy, None)
        owner.setdefault(s.legacy, []).append(name)
    for name, head in follow.items():
        own = next((s for s in ranked.get(name, []) if s.legacy not in owner and s.score >= MIN_FILL
                    and shapes.get(s.legacy, Shape("string")).type != "date"
                    and re.sub(r"(コード)?[0-9]*$", "", fold(head, legacy=False)) in fold(s.text)), None)
        source = chosen.get(head)
        if own is not None and not (source and own.legacy == source.legacy):
            chosen[name] = Choice(own.legacy, None)
            owner.setdefault(own.legacy, []).append(name)
        elif source is not None:
            given = shapes.get(source.legacy, Shape("string"))
            if name.endswith(("_不詳フラグ", "_不詳表記")) and given.wareki:
                chosen[name] = Choice(source.legacy, "trim | fusho_flag" if name.endswith("フラグ") else "trim | fusho_text")
            elif name.endswith("表記") and (given.type == "code" or given.codes):
                chosen[name] = Choice(source.legacy, f"trim | code({name})")
    return chosen


def _obvious(target: Item, shape: Shape, std_codes: Map[str, CodeTable],
             siblings: Sequence[str]) -> str | None:
    """The transform the layout makes obvious: 和暦 → wareki, a Western date format → date(...), half-width
    kana → zenkaku, a code list unlike the standard's → code(...), a postal code → postal, the parts of a
    composite address code → substr. None when nothing is obvious."""
    if target.type == "date" and shape.wareki:
        return "trim | wareki"
    if target.type == "date" and shape.type == "date" and shape.date_format:
        fmt = shape.date_format.replace("YYYY", "%Y").replace("MM", "%m").replace("DD", "%d")
        return f'trim | date("{fmt}")' if "%" in fmt and fmt != "%Y-%m-%d" else "trim"
    if "postal_code" in target.checks:
        return "postal"
    if target.charset == "kana_full" and shape.charset == "kana_half":
        return "trim | zenkaku"
    if _composite(target.name, shape) and len(siblings) > 1 and shape.size:
        if target.name.endswith("市区町村コード"):
            return "trim | substr(0, 6)"
        rest = shape.size - 6
        return f"trim | substr(6, {rest})" + (" | pad(7)" if rest < 7 else "")
    if target.code_tables and shape.codes:
        known = {c: _label(lab) for t in target.code_tables if t in std_codes for c, lab in std_codes[t].values}
        # a code the standard lacks, or one the standard means otherwise (02 転入 against 02 記載_国外転入等)
        # (only when the labels are comparable: most of them name a standard label)
        alike = [any(_label(label) in lab or lab in _label(label) for lab in known.values() if lab)
                 for _, label in shape.pairs]
        differs = sum(alike) * 2 >= len(alike) > 0 and any(
            _label(label) not in known.get(code, "") and known.get(code, "") not in _label(label)
            for code, label in shape.pairs)
        if known and (not shape.codes <= set(known) or differs):
            return f"trim | code({target.code_tables[0] if len(target.code_tables) == 1 else target.name})"
    return None


def _code_rows(table: str, std: CodeTable | None, legacy: CodeTable | None, *, labels: bool) -> list[CodeEntry]:
    """コード変換 rows proposed where a legacy label names exactly one standard code (世帯主 → 02), or, for a
    表記 table (``labels``), the standard's label itself (1 男 → 男). Codes no label matches are left out."""
    if std is None or legacy is None:
        return []
    rows = []
    for code, label in legacy.values:
        plain = unicodedata.normalize("NFKC", label).strip()
        found = [(c, lab) for c, lab in std.values if unicodedata.normalize("NFKC", lab).strip() == plain]
        if not found:
            found = [(c, lab) for c, lab in std.values if _label(lab) == _label(label)]
        if len(found) == 1:
            value = found[0][1].strip() if labels else found[0][0]
            rows.append(CodeEntry(table, code, value, note="候補(要確認): ラベル一致"))
    return rows


def build_template(standard_schema: Schema, table: str, legacy_schema: Schema, legacy_table: str, *,
                   samples: Map[str, Sequence[str]] | None = None) -> Mapping:
    """A pre-filled mapping: every standard item, the assigned legacy item in 現行項目名 (left empty when no
    candidate is convincing), the obvious transform, and the candidates with their scores in 備考.

    ``samples`` (legacy item → values read from an extract) adds the evidence of the values: dates, digits,
    kana, and the codes that occur against the standard's code tables.
    """
    std = standard_schema.table(table)
    leg = legacy_schema.table(legacy_table)
    ranked = suggest(std, leg, standard_codes=standard_schema.code_tables, legacy_codes=legacy_schema.code_tables,
                     samples=samples)
    shapes = {li.name: shape_of(li, legacy_schema.code_tables, (samples or {}).get(li.name)) for li in leg.items}
    chosen = assign(std, ranked, shapes)
    users: dict[str, list[str]] = {}
    for name, choice in chosen.items():
        users.setdefault(choice.legacy, []).append(name)
    rows = []
    for n, item in enumerate(std.items, start=1):
        best = ranked[item.name]
        note = None
        if best:
            note = "候補(要確認): " + join_list((f"{s.legacy} {s.score}" for s in best), "ja")  # a Japanese workbook
        picked = chosen.get(item.name)
        transform = None
        if picked is not None:
            transform = picked.transform or _obvious(item, shapes[picked.legacy], standard_schema.code_tables,
                                                     users[picked.legacy])
        rows.append(ItemRow(item.name, (picked.legacy,) if picked else (), transform, None, note, no=n))
    codes: list[CodeEntry] = []
    for row in rows:
        found = re.search(r"code\(([^,)]+)\)", row.transform or "")
        if found is None or not row.legacy:
            continue
        table_name = found.group(1)
        source = leg.item(row.legacy[0])
        ours = legacy_schema.code_tables.get(source.code_table) if source.code_table else None
        head = std.item(companions(std)[row.standard]) if row.standard in companions(std) else std.item(row.standard)
        theirs = standard_schema.code_tables.get(head.code_tables[0]) if len(head.code_tables) == 1 else None
        if table_name not in {c.table for c in codes}:
            codes += _code_rows(table_name, theirs, ours, labels=row.standard in companions(std))
    settings = {"マッピングID": f"{leg.name}-to-{std.name}", "標準スキーマ": standard_schema.id, "標準テーブル": std.name,
                "現行スキーマ": legacy_schema.id, "現行テーブル": leg.name}
    if leg.file is not None:
        settings["文字コード"] = leg.file.encoding
    if leg.key and std.key:
        # 照合キー pairs the legacy key with the standard key it becomes (only when the suggestion says so).
        if leg.key[0] == std.key[0]:
            settings["照合キー"] = leg.key[0]
        elif std.key[0] in chosen and chosen[std.key[0]].legacy == leg.key[0]:
            settings["照合キー"] = f"{leg.key[0]}={std.key[0]}"
    return Mapping(id=settings["マッピングID"], standard_schema=standard_schema.id, standard_table=std.name,
                   legacy_schema=legacy_schema.id, legacy_table=leg.name, encoding=settings.get("文字コード"),
                   settings=settings, items=tuple(rows), codes=tuple(codes))


def required_items(table: Table) -> set[str]:
    return {i.name for i in table.items if i.required}


# ---------------------------------------------------------------------------------------------- accuracy


@dataclass(frozen=True)
class Accuracy:
    """How a template's suggestions compare with a correct mapping (an answer key) of the same layout."""

    with_source: int  # standard items the key gives a legacy source
    top1: float  # share of them whose filled cell is right
    top3: float  # share of them whose right item is among the first three candidates
    filled_without_source: float  # share of the items the key leaves without a source that still got a fill
    baseline_top1: float  # the name ranking alone (every item filled with its best name)
    baseline_filled: float

    def meets(self, *, top1: float = 0.9, filled: float = 0.1) -> bool:
        """The goal of the suggestions: top-1 ≥ 90 % and at most 10 % of the source-less items filled."""
        return self.top1 >= top1 and self.filled_without_source <= filled


def accuracy(answer: Mapping, standard_schema: Schema, legacy_schema: Schema, *,
             samples: Map[str, Sequence[str]] | None = None) -> Accuracy:
    """The :class:`Accuracy` of :func:`build_template` on ``answer``'s layout against ``answer``."""
    assert answer.legacy_table is not None
    std, leg = standard_schema.table(answer.standard_table), legacy_schema.table(answer.legacy_table)
    key = {row.standard: set(row.legacy) for row in answer.items if row.legacy and not row.excluded}
    ranked = suggest(std, leg, limit=3, standard_codes=standard_schema.code_tables,
                     legacy_codes=legacy_schema.code_tables, samples=samples)
    names = suggest(std, leg, limit=3, evidence=False)
    made = {row.standard: set(row.legacy) for row in build_template(standard_schema, std.name, legacy_schema,
                                                                     leg.name, samples=samples).items}
    with_source = [i.name for i in std.items if i.name in key]
    without = [i.name for i in std.items if i.name not in key]
    n, m = max(len(with_source), 1), max(len(without), 1)
    return Accuracy(
        len(with_source),
        sum(bool(made.get(s) and made[s] <= key[s]) for s in with_source) / n,
        sum(any(c.legacy in key[s] for c in ranked[s][:3]) for s in with_source) / n,
        sum(bool(made.get(s)) for s in without) / m,
        sum(bool(names[s]) and names[s][0].legacy in key[s] for s in with_source) / n,
        sum(bool(names[s]) for s in without) / m)
