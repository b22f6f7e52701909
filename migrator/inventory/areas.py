"""The business areas (業務) of the standard, their numbers, and the names people actually write for them."""

from __future__ import annotations

import re
import unicodedata
from importlib import resources

import yaml

from migrator.i18n import Lang


def _load() -> dict[str, dict[str, str]]:
    text = (resources.files("migrator.inventory") / "areas.yaml").read_text(encoding="utf-8")
    return {str(code): names for code, names in yaml.safe_load(text)["areas"].items()}


_NAMES = _load()

AREAS: dict[str, str] = {code: names["ja"] for code, names in _NAMES.items()}
"""Every business area number 001–037 with the name used in the data requirements spec (FACTS §1); the list is
data, ``migrator/inventory/areas.yaml``."""

AREAS_EN: dict[str, str] = {code: names["en"] for code, names in _NAMES.items()}
"""The English name of each area, shown in English outputs: migrator's own renderings, as no official English
names exist (the source note of ``areas.yaml``)."""

CORE_AREAS: tuple[str, ...] = (
    "001", "002", "003", "004", "006", "010", "011", "012", "013", "017",
    "019", "020", "021", "022", "023", "024", "025", "026", "027", "028",
)
"""The 20 standardized business areas of the law, one number each (選挙 → 006 選挙人名簿管理,
就学 → 017 学齢簿編製). A municipality is expected to have a system for each."""

ABBREVIATIONS: dict[str, str] = {
    "住記": "001", "住基": "001", "住民記録": "001", "住民基本台帳": "001", "住登": "001",
    "印鑑": "002", "印鑑証明": "002",
    "戸籍": "003", "附票": "004", "戸籍附票": "004",
    "選挙": "006", "選挙管理": "006", "選挙人名簿": "006",
    "住民税": "010", "個人住民税": "010", "市民税": "010", "個人市民税": "010", "市県民税": "010",
    "法人住民税": "011", "法人市民税": "011", "法人税": "011",
    "固定": "012", "固資": "012", "固定資産": "012", "固定資産税": "012",
    "軽自": "013", "軽自動車": "013", "軽自動車税": "013",
    "収納": "014", "滞納": "015", "税共通": "016",
    "就学": "017", "学齢簿": "017", "学齢簿編製": "017", "学齢": "017",
    "健康管理": "019", "健診": "019", "保健": "019",
    "児扶": "020", "児童扶養": "020", "児童扶養手当": "020",
    "生保": "021", "生活保護": "021",
    "障害": "022", "障害福祉": "022", "障がい者福祉": "022", "障害者福祉": "022",
    "介護": "023", "介護保険": "023",
    "国保": "024", "国民健康保険": "024",
    "後期": "025", "後期高齢": "025", "後期高齢者": "025", "後期高齢者医療": "025",
    "国年": "026", "年金": "026", "国民年金": "026",
    "児手": "027", "児童手当": "027",
    "子ども子育て": "028", "子子": "028", "子育て支援": "028", "子ども・子育て支援": "028", "子ども子育て支援": "028",
}
"""Short and variant names seen in vendor inventories, mapped to the area number."""

ENGLISH: dict[str, str] = {
    "resident registry": "001", "resident registration": "001", "basic resident register": "001",
    "seal registration": "002", "family register": "003", "koseki": "003", "family register annex": "004",
    "electoral register": "006", "elections": "006", "individual resident tax": "010", "resident tax": "010",
    "individual inhabitant tax": "010", "inhabitant tax": "010", "municipal inhabitant tax": "010",
    "corporate resident tax": "011", "corporate inhabitant tax": "011", "fixed asset tax": "012", "property tax": "012",
    "light vehicle tax": "013", "school enrollment": "017", "school register": "017",
    "health management": "019", "child rearing allowance": "020", "public assistance": "021", "welfare": "021",
    "disability welfare": "022", "long-term care insurance": "023", "long term care insurance": "023",
    "national health insurance": "024", "nhi": "024", "late-stage elderly medical care": "025",
    "elderly medical care": "025", "national pension": "026", "child allowance": "027",
    "child care support": "028", "childcare support": "028",
}
"""The names English-headed PMO sheets use for the areas (matched without case, spaces and hyphens)."""

_NUMBER = re.compile(r"^0*([0-9]{1,3})$")
_REMARK = re.compile(r"[(\[【〔<《][^)\]】〕>》]*[)\]】〕>》]")
_PREFIXED = re.compile(r"^([0-9]{3})[\s_:：．.]*(.*)$")


def _fold(text: str) -> str:
    # Only for matching names; the stored area name is always the standard's own spelling.
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = re.sub(r"[\s・･\u3000()（）\-]", "", folded).removesuffix("システム").removesuffix("業務")
    return folded.removesuffix("system")


_LOOKUP: dict[str, str] = {}
for _code, _name in AREAS.items():
    _LOOKUP.setdefault(_fold(_name), _code)
for _abbr, _code in (*ABBREVIATIONS.items(), *ENGLISH.items(), *((n, c) for c, n in AREAS_EN.items())):
    _LOOKUP.setdefault(_fold(_abbr), _code)


def resolve_area(value: object) -> str | None:
    """Return the 3-digit area number for a number (``1``, ``"001"``, ``"０２４"``), a name or an abbreviation.

    ``"024 国民健康保険"`` (number and name) resolves by its number. ``None`` when nothing matches.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    number = _NUMBER.match(text)
    if number:
        code = number.group(1).zfill(3)
        return code if code in AREAS else None
    prefixed = _PREFIXED.match(text)
    if prefixed and prefixed.group(1) in AREAS:
        return prefixed.group(1)
    found = _LOOKUP.get(_fold(text))
    if found is None:
        # 国民健康保険（資格・賦課）, 介護保険(認定): the area with a remark in brackets after it
        bare = _REMARK.sub("", text).strip()
        if bare and bare != text:
            found = _LOOKUP.get(_fold(bare))
    return found


def area_name(code: str) -> str:
    """The standard name of area ``code``."""
    return AREAS[code]


def area_label(code: str, name: str, lang: Lang) -> str:
    """The name of area ``code`` as ``lang`` shows it: ``name`` (the standard's Japanese name, as stored) in
    Japanese, the English name of :data:`AREAS_EN` in English (``name`` when the code is not a known area)."""
    return name if lang == "ja" else AREAS_EN.get(code, name)
