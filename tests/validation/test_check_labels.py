"""The check a finding names ({check}) is said in the language of its message.

A check's label (``date(%Y-%m-%d; non-calendar days when 異動事由 in ['03', '23'], 1.1.8)``) is one fixed string
that picks the finding's code; a Japanese message says its words in Japanese, an English one in English. Item
names, code-table names and section numbers stay as the standard writes them; the schema's own terms
(``length(6)``, ``charset:digits``, ``check:m11w27``, ``rule:date_order(...)``) are written the same in both.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest
import yaml

from migrator.schema import SchemaRegistry
from migrator.schema.model import CHARSETS, NAMED_CHECKS, RULE_KINDS, Schema
from migrator.validation.checks import build_schema, finding_code
from migrator.validation.pandera_schema import check_text, schema_for
from tests.conftest import DATA, run_cli
from tests.validation.test_pandera_schema import _koseki
from tests.validation.test_standard_rules import FIELDS, LEGACY, _mapping, _person

# The schema's own terms a Japanese message may show as the schema file writes them.
TERMS = {"date", "datetime", "length", "max_length", "pattern", "code_table", "charset", "check", "rule", "integer",
         "decimal", "flag", "required", "not_nullable", "gaiji", "control", "accepted", *CHARSETS, *NAMED_CHECKS,
         *RULE_KINDS}
ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
KANA = re.compile(r"[\u3040-\u30ff]")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def english_words_in(ja: str) -> list[str]:
    """The ASCII words of three letters or more in a Japanese text that are no term of the schema (a
    ``pattern(...)`` is the standard's own regular expression: not read)."""
    ja = re.sub(r"pattern\(.*\)", "pattern()", ja)
    return [w for w in ASCII_WORD.findall(ja) if len(w) >= 3 and w not in TERMS and not w.startswith("jis_")]


def japanese_in(en: str, names: set[str]) -> list[str]:
    """The Japanese characters left in an English text once the names of the standard are taken out."""
    for name in sorted(names, key=len, reverse=True):
        en = en.replace(name, "")
    return CJK.findall(en)


def names_of(schema: Schema) -> set[str]:
    return {i.name for t in schema.tables for i in t.items} | set(schema.code_tables) | {t.name for t in schema.tables}


def _labels(built: object) -> list[str]:
    out = [str(c.error) for column in built.columns.values() for c in column.checks]  # type: ignore[attr-defined]
    return out + [str(c.error) for c in built.checks or ()]  # type: ignore[attr-defined]


def test_every_label_of_the_shipped_standards_is_said_in_one_language() -> None:
    registry = SchemaRegistry.load(DATA / "schemas")
    seen = 0
    for schema in registry.schemas.values():
        if schema.kind != "standard":
            continue
        for profile in ("standard", *(p for p in schema.profiles if p != "standard")):
            use = registry.with_profile(profile).get(schema.id) if profile != "standard" else schema
            for table in use.tables:
                for label in _labels(build_schema(table, use.code_tables)):
                    ja, en = check_text(label, "ja"), check_text(label, "en")
                    assert not english_words_in(ja), (label, ja)
                    assert not japanese_in(en, names_of(use)), (label, en)
                    seen += 1
    assert seen > 300


def test_the_labels_of_a_koseki_table_in_each_language() -> None:
    schema = _koseki()
    labels = set(_labels(schema_for(schema, "戸籍")))
    for label in labels:
        assert not english_words_in(check_text(label, "ja")), label
        assert not japanese_in(check_text(label, "en"), names_of(schema)), label
    said = {label: (check_text(label, "ja"), check_text(label, "en")) for label in labels}
    assert said["date(%Y-%m-%d; non-calendar days when 種別 in ['2'], 1.1.8)"] == (
        "date(%Y-%m-%d、種別 が 2 のときは暦にない日付も可、1.1.8)",
        "date(%Y-%m-%d; non-calendar days when 種別 is 2, 1.1.8)")
    assert said["date(不詳 only on the dates it lists, 1.1.8)"] == (
        "date(不詳日は 1.1.8 が定める日付の項目のみ)", "date(unknown dates only on the dates section 1.1.8 lists)")
    assert said["accepted:check:postal_code(1.1.13)"] == ("check:postal_code、1.1.13", "check:postal_code, 1.1.13")
    assert said["accepted:non_calendar(1.1.8)"] == ("1.1.8", "1.1.8")
    assert said["rule:empty_if(転出日, 種別)"] == ("rule:empty_if(転出日, 種別)",) * 2


@pytest.mark.parametrize(("label", "code", "ja", "en"), [
    ("date(不詳 only when 異動事由 in ['03', '23'], 1.1.8)", "DAT103",
     "date(不詳日は 異動事由 が 03 または 23 のときのみ、1.1.8)", "date(unknown dates only when 異動事由 is 03 or 23, 1.1.8)"),
    ("date(%Y-%m-%d; non-calendar days, 1.1.8)", "DAT103",
     "date(%Y-%m-%d、暦にない日付も可、1.1.8)", "date(%Y-%m-%d; non-calendar days, 1.1.8)"),
    ("date(%Y-%m-%d; non-calendar days when 続柄 present, 1.1.8)", "DAT103",
     "date(%Y-%m-%d、続柄 に値があるときは暦にない日付も可、1.1.8)", "date(%Y-%m-%d; non-calendar days when 続柄 is filled, 1.1.8)"),
    ("accepted:check:m11w27(1.1.13)", "DAT404", "check:m11w27、1.1.13", "check:m11w27, 1.1.13"),
    ("accepted:unknown_date(1.1.8)", "DAT403", "1.1.8", "1.1.8"),
    ("length(6)", "DAT102", "length(6)", "length(6)"),
    ("code_table(記載の事由|消除の事由)", "DAT104", "code_table(記載の事由|消除の事由)", "code_table(記載の事由|消除の事由)"),
    ("pattern(^[0-9]{7}$)", "DAT105", "pattern(^[0-9]{7}$)", "pattern(^[0-9]{7}$)"),
])
def test_a_label_is_said_in_each_language_and_still_chooses_the_code(label: str, code: str, ja: str, en: str) -> None:
    assert (check_text(label, "ja"), check_text(label, "en")) == (ja, en)
    assert finding_code(label) == code  # the label itself is what picks the code


# ---------------------------------------------------------------- through the CLI, in each language

def _validate(workdir: Path, lang: str, fmt: str = "json") -> str:
    (workdir / "schemas").mkdir(exist_ok=True)
    (workdir / "schemas" / "small.yaml").write_text(LEGACY, encoding="utf-8")
    (workdir / "small.yaml").write_text(yaml.safe_dump(_mapping(), allow_unicode=True), encoding="utf-8")
    rows = [
        _person(1, 生年月日="平成元年2月30日"),                      # DAT401: a non-calendar birth date, kept
        _person(2, 生年月日="令和3年頃"),                            # DAT403: an unknown birth date, kept
        _person(3, 異動事由="01", 異動日="平成元年2月30日"),          # DAT103: non-calendar only for 03 and 23
        _person(4, 異動事由="01", 異動日="令和3年春"),               # DAT103: 不詳 only for 03 and 23
        _person(5, 区分="9"),                                        # DAT104: not in the code table
        _person(6, 宛名番号="10A6"),                                 # DAT106: digits only
        _person(7, 宛名番号="1234567890123456"),                     # DAT102: 16 digits, 15 at most
    ]  # and DAT404 on every existing number without an M11 check digit
    lines = [",".join(FIELDS)] + [",".join(r.get(f, "") for f in FIELDS) for r in rows]
    (workdir / "extract.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("--lang", lang, "validate", "small.yaml", "extract.csv", "--out", "out", "--no-store",
                     "--format", fmt, expect=1, env={"MIGRATOR_SCHEMAS": str(workdir / "schemas")})
    return result.stdout


EXPECTED = {
    "ja": {
        ("DAT103", "異動年月日"): ["date(%Y-%m-%d、異動事由 が 03 または 23 のときは暦にない日付も可、1.1.8)",
                              "date(不詳日は 異動事由 が 03 または 23 のときのみ、1.1.8)"],
        ("DAT401", "生年月日"): ["戸籍に合わせる規定により受け入れました（1.1.8）。"],
        ("DAT403", "生年月日"): ["不詳表記とともに受け入れました（1.1.8）。"],
        ("DAT404", "宛名番号"): ["検査数字（check:m11w27、1.1.13）に合いませんが"],
        ("DAT104", "住民種別"): ["（code_table(住民種別)）"],
        ("DAT106", "宛名番号"): ["（charset:digits）"],
        ("DAT102", "宛名番号"): ["（max_length(15)）"],
        ("DAT109", "生年月日"): ["項目間ルールに違反しています: rule:date_order(生年月日, 異動年月日)"],
    },
    "en": {
        ("DAT103", "異動年月日"): ["date(%Y-%m-%d; non-calendar days when 異動事由 is 03 or 23, 1.1.8)",
                              "date(unknown dates only when 異動事由 is 03 or 23, 1.1.8)"],
        ("DAT401", "生年月日"): ["consistent with the 戸籍 (1.1.8)."],
        ("DAT403", "生年月日"): ["不詳フラグ and 不詳表記 (1.1.8)."],
        ("DAT404", "宛名番号"): ["fail the check digit (check:m11w27, 1.1.13)"],
        ("DAT104", "住民種別"): ["(code_table(住民種別))"],
        ("DAT106", "宛名番号"): ["(charset:digits)"],
        ("DAT102", "宛名番号"): ["(max_length(15))"],
        ("DAT109", "生年月日"): ["Cross-item rule violated: rule:date_order(生年月日, 異動年月日)"],
    },
}
# Terms of the standard an English message names as the standard writes them (besides item and table names).
STANDARD_TERMS = {"戸籍", "不詳", "不詳フラグ", "不詳表記", "外字対応表"}


def _one_language(lang: str, message: str, names: set[str]) -> None:
    if lang == "ja":
        assert not english_words_in(message), message
    else:
        assert not japanese_in(message, names | STANDARD_TERMS), message


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_findings_name_their_check_in_the_language_asked(workdir: Path, lang: str) -> None:
    report = json.loads(_validate(workdir, lang))
    names = names_of(SchemaRegistry.load(DATA / "schemas").get("std-001-juki"))
    messages: dict[tuple[str, str], list[str]] = {}
    for f in report["findings"]:
        messages.setdefault((f["code"], f["item"]), []).append(f["message"])
    for key, texts in EXPECTED[lang].items():
        assert key in messages, (key, sorted(messages))
        for text in texts:
            assert any(text in m for m in messages[key]), (text, messages[key])
    checked = [m for (code, _), ms in messages.items() if code in {c for c, _ in EXPECTED[lang]} for m in ms]
    assert len(checked) >= 8
    for message in checked:
        _one_language(lang, message, names)
    # The same text in the reports written beside the output: HTML and Excel in the language asked.
    html = (workdir / "out" / "report.html").read_text(encoding="utf-8")
    book = openpyxl.load_workbook(workdir / "out" / "report.xlsx", read_only=True)
    cells = {str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c}
    book.close()
    for texts in EXPECTED[lang].values():
        for text in texts:
            assert text.replace("<", "&lt;") in html or text.replace("'", "&#x27;") in html, text
            assert any(text in c for c in cells), text
    other = EXPECTED["en" if lang == "ja" else "ja"][("DAT103", "異動年月日")][0]
    assert other not in html and not any(other in c for c in cells)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_text_report_names_the_check_in_the_language_asked(workdir: Path, lang: str) -> None:
    out = _validate(workdir, lang, fmt="text")
    for text in EXPECTED[lang][("DAT404", "宛名番号")] + EXPECTED[lang][("DAT401", "生年月日")]:
        assert text in " ".join(out.split()) or text.replace(" ", "") in out.replace(" ", ""), (text, out)
    assert "non-calendar days" not in out if lang == "ja" else "暦にない日付も可" not in out
    assert "accepted:" not in out and "only on the dates it lists" not in out
