"""Item names in any script folded to the standard's Japanese words, for comparing names (never for data).

The dictionary is data (``terms.yaml`` beside this module, with its sources): the Japanese words of the
standard's item names and their romanised, English and Japanese variant spellings. :func:`translate` turns
``SEINEN_YMD``, ``DATE_OF_BIRTH``, ``birthDate``, ``JK-SNGP`` or ``ｱﾃﾅ番号`` into Japanese words; a romanised token
that is in no list may still be an abbreviation of one (a subsequence keeping the first letter and at least
half the consonants: ``STI`` of ``SETAI``, ``YBN`` of ``YUBIN``). Romaji of another family (訓令式 ``SYOUZYO``,
long vowels written out) is folded to one spelling (:func:`fold_roman`) before it is looked up; a token that is
no word is split before an abbreviation suffix (``SCD``: ``S`` + ``CD``). :func:`label` reads a vendor's code
label as the standard code table's word (現存 → 住登).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml

TERMS_FILE = Path(__file__).with_name("terms.yaml")
_MAX_PHRASE = 5


@dataclass(frozen=True)
class Terms:
    phrases: dict[tuple[str, ...], str]  # lower-case latin token sequence → Japanese word
    roman: dict[tuple[str, ...], str]  # the romaji phrases folded by :func:`fold_roman` → Japanese word
    romaji: dict[str, str]  # single romanised word → Japanese word (for abbreviations)
    japanese: dict[str, str]  # Japanese variant (NFKC) → the standard's word
    japanese_re: re.Pattern[str]
    qualifiers: dict[str, tuple[str, ...]]
    labels: dict[str, str]  # a vendor's code label (NFKC) → the standard code table's word
    suffixes: tuple[str, ...]  # abbreviations a romanised token may end with (scd: s + cd)


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(t for t in re.split(r"[\s_\-]+", text.lower()) if t)


@cache
def terms() -> Terms:
    """The dictionary of ``terms.yaml`` (loaded once)."""
    data = yaml.safe_load(TERMS_FILE.read_text(encoding="utf-8"))
    phrases: dict[tuple[str, ...], str] = {}
    roman: dict[tuple[str, ...], str] = {}
    romaji: dict[str, str] = {}
    japanese: dict[str, str] = {}
    for word, spellings in data["terms"].items():
        word = unicodedata.normalize("NFKC", str(word))
        if word:
            japanese.setdefault(unicodedata.normalize("NFKC", word), word)
        for kind in ("romaji", "english"):
            for spelling in spellings.get(kind) or ():
                phrases.setdefault(_tokens(str(spelling)), word)
                if kind == "romaji":
                    roman.setdefault(tuple(fold_roman(t) for t in _tokens(str(spelling))), word)
                if kind == "romaji" and " " not in str(spelling) and len(str(spelling)) >= 3:
                    romaji.setdefault(str(spelling).lower(), word)
        for variant in spellings.get("japanese") or ():
            japanese.setdefault(unicodedata.normalize("NFKC", str(variant)), word)
    pattern = re.compile("|".join(re.escape(v) for v in sorted(japanese, key=len, reverse=True)))
    qualifiers = {str(k): tuple(unicodedata.normalize("NFKC", str(w)) for w in v)
                  for k, v in (data.get("qualifiers") or {}).items()}
    labels = {unicodedata.normalize("NFKC", str(v)): unicodedata.normalize("NFKC", str(k))
              for k, vs in (data.get("labels") or {}).items() for v in vs}
    suffixes = tuple(sorted((str(x).lower() for x in data.get("suffixes") or ()), key=len, reverse=True))
    return Terms(phrases, roman, romaji, japanese, pattern, qualifiers, labels, suffixes)


_KUNREI = (("jy", "zy"), ("shi", "si"), ("sh", "sy"), ("chi", "ti"), ("ch", "ty"), ("tsu", "tu"), ("fu", "hu"),
           ("ji", "zi"), ("j", "zy"), ("ou", "o"), ("oo", "o"), ("uu", "u"))


@lru_cache(maxsize=65536)
def fold_roman(token: str) -> str:
    """A romanised word in one spelling whatever the family: Hepburn read as 訓令式 (shi → si, cho → tyo,
    tsu → tu, fu → hu, ji → zi, ju → zyu) and long vowels written out or not (juusho, jusho, zyuusyo, zyusyo
    all become zyusyo). For comparing names only."""
    for hepburn, kunrei in _KUNREI:
        token = token.replace(hepburn, kunrei)
    return token


_VOWELS = set("aeiou")


def _abbreviation(token: str, table: Terms) -> str | None:
    """The Japanese word a romanised abbreviation stands for (``zkgr`` → 続柄), or None when none or several."""
    if len(token) < 2 or not token.isalpha():
        return None
    found: dict[str, float] = {}
    for word, japanese in table.romaji.items():
        if word[0] != token[0] or len(token) >= len(word):
            continue
        if len(token) == 2 and len(word) > 4:
            continue
        rest = iter(word)
        if not all(ch in rest for ch in token):
            continue
        consonants = sum(1 for ch in word if ch not in _VOWELS)
        if len(token) * 2 < consonants:
            continue
        cover = len(token) / len(word)
        if cover > found.get(japanese, 0.0):
            found[japanese] = cover
    if not found:
        return None
    best = sorted(found.items(), key=lambda kv: -kv[1])
    if len(best) > 1 and best[1][1] == best[0][1]:
        return None  # ambiguous
    return best[0][0]


def _latin(tokens: list[str], table: Terms) -> list[str]:
    """Latin tokens (lower case) → Japanese words, phrases first, then words, then abbreviations."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for n in range(min(_MAX_PHRASE, len(tokens) - i), 0, -1):
            word = table.phrases.get(tuple(tokens[i:i + n]))
            if word is None and all(t.isalpha() for t in tokens[i:i + n]):
                # the same romaji in another family's spelling (SYOUZYO for shojo, ZYUSYO for jusho)
                word = table.roman.get(tuple(fold_roman(t) for t in tokens[i:i + n]))
            if word is not None:
                out.append(word)
                i += n
                break
        else:
            token = tokens[i]
            guess = _abbreviation(token, table) if not token.isdigit() else None
            if guess is None and (suffix := _suffix(token, table)):
                head = token[:-len(suffix)]
                out.append((_abbreviation(head, table) or head.upper()) + table.phrases[(suffix,)])
            else:
                out.append(guess if guess is not None else token.upper())
            i += 1
    return out


def _suffix(token: str, table: Terms) -> str | None:
    """The abbreviation a token that is no word ends with (``scd`` → ``cd``), or None."""
    return next((x for x in table.suffixes if token.endswith(x) and len(token) > len(x) and token.isalpha()
                 and (x,) in table.phrases), None)


def label(text: str) -> str:
    """A code label with a vendor's word replaced by the standard code table's (現存 → 住登)."""
    folded = unicodedata.normalize("NFKC", text).strip()
    return terms().labels.get(folded, folded)


@cache
def _initials() -> tuple[tuple[str, frozenset[str]], ...]:
    """Japanese word → the first letters of its romanised spellings (市区町村: s, d; 町字: c, m)."""
    found: dict[str, set[str]] = {}
    for word, japanese in terms().romaji.items():
        found.setdefault(japanese, set()).add(word[0])
    return tuple(sorted(((w, frozenset(v)) for w, v in found.items() if w), key=lambda kv: -len(kv[0])))


def initials_fit(standard: str, translated: str) -> bool | None:
    """Whether the lone letters a translated legacy name kept (住所Sコード of JSHO-SCD) stand for words of the
    standard name the legacy name lacks (S: 市区町村 of 住所_市区町村コード); None when it kept none."""
    letters = [m.lower() for m in re.findall(r"(?<![A-Za-z])[A-Z]{1,2}(?![A-Za-z])", translated)]
    if not letters:
        return None
    std = unicodedata.normalize("NFKC", standard)
    missing = {w: first for w, first in _initials() if w in std and w not in translated}
    return all(any(letter[0] in first for first in missing.values()) for letter in letters)


_SEGMENT = re.compile(r"[A-Za-z]+|[0-9]+|[^A-Za-z0-9\s_\-.]+")


@lru_cache(maxsize=65536)
def translate(name: str) -> str:
    """``name`` with its romanised, English and variant Japanese words replaced by the standard's words."""
    table = terms()
    text = unicodedata.normalize("NFKC", name)
    out: list[str] = []
    latin: list[str] = []
    for match in _SEGMENT.finditer(text):
        seg = match.group(0)
        if re.fullmatch(r"[A-Za-z]+", seg):
            # camelCase and ALLCAPS runs split into words
            latin += [t.lower() for t in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+", seg)]
            continue
        if seg.isdigit() and latin:
            latin.append(seg)
            continue
        if latin:
            out += _latin(latin, table)
            latin = []
        out.append(table.japanese_re.sub(lambda m: table.japanese[m.group(0)], seg))
    if latin:
        out += _latin(latin, table)
    # once more over the whole: words of two scripts may make one variant (消除ＹＭＤ: 消除 + 年月日 → 消除年月日,
    # the standard's 消除の異動年月日; 国籍ＣＤ → 国籍コード). The standard's words map to themselves.
    return table.japanese_re.sub(lambda m: table.japanese[m.group(0)], _join(out))


def _join(words: list[str]) -> str:
    """Words joined, a word the text so far already ends with dropped (SEINEN_YMD: 生年月日, not 生年月日年月日)."""
    text = ""
    for word in words:
        if not (word and text.endswith(word) and len(word) > 1):
            text += word
    return text


@lru_cache(maxsize=65536)
def qualifiers(folded: str) -> frozenset[str]:
    """The qualifiers (転入前, 消除, 届出 …) a translated name carries."""
    return frozenset(q for q, words in terms().qualifiers.items() if any(w in folded for w in words))
