"""English messages read right for one and for many; Japanese ones are unchanged."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest

from migrator.catalogue import catalogue
from migrator.errors import InputError
from migrator.i18n import fill, plural, t
from migrator.report import make_finding
from tests.conftest import run_cli

# A count followed by a plural noun it does not agree with: "1 rows", "1 business days", "1 system cut-overs".
ONE_PLURAL = re.compile(r"\b1 (?:(?:business|system|migration|parallel|reconciliation|optional standard) )?"
                        r"(?:rows|records|bytes|fields|items|errors|warnings|tasks|days|values|columns|characters|areas|"
                        r"cut-overs|projects|years|heads|gaps|findings|files|steps|systems|suggestions|workbooks|"
                        r"municipalities|interfaces|vendors|concerns|waves|schemas|differences)\b")
MANY_SINGULAR = re.compile(r"\b2 (?:(?:business|system|migration|parallel|reconciliation|optional standard) )?"
                           r"(?:row|record|byte|field|item|error|warning|task|day|value|column|character|area|cut-over|"
                           r"project|year|head|gap|finding|file|step)\b(?![-'])")


@pytest.mark.parametrize(("count", "word"), [
    (1, "row"), (1.0, "row"), ("1", "row"), ("1,000", "rows"), (0, "rows"), (2, "rows"), (1.5, "rows"),
    ("n/a", "rows"), (True, "rows"),
])
def test_plural_picks_the_word_for_the_count(count: object, word: str) -> None:
    assert plural(count, "row", "rows") == word


def test_a_template_names_the_word_for_its_count_and_keeps_other_format_specs() -> None:
    template = "{rows:,} {rows:row|rows} in, {rejected} rejected"
    assert fill(template, rows=1, rejected=0) == "1 row in, 0 rejected"
    assert fill(template, rows=1234, rejected=1) == "1,234 rows in, 1 rejected"
    assert fill("{a!r} and {b}", a="x", b=2) == "'x' and 2"  # no plural field: str.format as ever


@pytest.mark.parametrize("code", sorted(catalogue()))
def test_every_catalogue_message_reads_right_for_one_and_for_many(code: str) -> None:
    entry = catalogue()[code]
    for n, wrong in ((1, ONE_PLURAL), (2, MANY_SINGULAR)):
        params = {p: n for p in entry.params}
        en = InputError.of(code, **params).en
        # Every parameter a count: no "1 rows" anywhere; no "2 row" where the template picks a word for its count
        # (elsewhere a parameter that is a name, "the {field} column", may stand before a singular noun).
        assert (n == 2 and "|" not in entry.message_en) or not wrong.search(en), f"{code}: {en}"
        # Japanese reads the same for any count: the template is filled as it stands.
        assert InputError.of(code, **params).ja == entry.message_ja.format(**params)


@pytest.mark.parametrize(("n", "en", "ja"), [
    (1, "Created 1 record of municipality.", "団体 を 1 件新規に登録しました。"),
    (3, "Created 3 records of municipality.", "団体 を 3 件新規に登録しました。"),
])
def test_a_finding_says_one_record_and_many_records(n: int, en: str, ja: str) -> None:
    finding = make_finding("INV090", n=n, kind="municipality", kind_ja="団体")
    assert (finding.message("en"), finding.message("ja")) == (en, ja)


def test_findings_with_a_count_and_a_verb_agree_with_it() -> None:
    one = make_finding("DAT019", more=1, first="x", last="x").message("en")
    many = make_finding("DAT019", more=5, first="a", last="e").message("en")
    assert one.startswith("1 more column (x to x) is not in the legacy layout either; it is ignored.")
    assert many.startswith("5 more columns (a to e) are not in the legacy layout either; they are ignored.")
    assert make_finding("DAT009", declared=1, actual=2).message("en") == \
        "The trailer record declares 1 record, the file has 2."


def test_cli_messages_read_right_for_one_and_for_many() -> None:
    assert t("job_errors", "en", errors=1) == "1 error"
    assert t("job_errors", "en", errors=1234) == "1,234 errors"
    assert t("job_errors", "ja", errors=1) == "エラー 1"
    assert t("table_result", "en", name="住民", rows_in=1, rows_out=1, rejected=0) == \
        "住民: 1 row in, 1 written, 0 rejected"


def _definition(path: Path, items: int) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "住民"
    ws.append(["項目名", "型", "桁数"])
    for i in range(items):
        ws.append([f"項目{i + 1}", "文字列", 10])
    wb.save(path)
    return path


@pytest.mark.parametrize(("items", "en"), [(1, "Imported 1 item of table 住民"), (2, "Imported 2 items of table 住民")])
def test_the_cli_says_one_item_and_many_items(workdir: Path, items: int, en: str) -> None:
    _definition(workdir / "def.xlsx", items)
    out = run_cli("--lang", "en", "schema", "import", "def.xlsx", "-o", "def.yaml", "--format", "json").stdout
    said = {f["code"]: f["message"] for f in json.loads(out)["findings"]}
    assert said["SCH106"].startswith(en)
    out = run_cli("--lang", "ja", "schema", "import", "def.xlsx", "-o", "def2.yaml", "--format", "json").stdout
    said = {f["code"]: f["message"] for f in json.loads(out)["findings"]}
    assert f"の項目 {items} 件を取り込みました" in said["SCH106"]


def test_samples_says_one_file_and_many_files(workdir: Path) -> None:
    many = run_cli("--lang", "en", "samples", "here").stdout
    assert re.search(r"^Wrote \d+ files into ", many, re.MULTILINE)
    first = next(p for p in sorted((workdir / "here").rglob("*")) if p.is_file())
    first.unlink()
    one = run_cli("--lang", "en", "samples", "here").stdout
    assert re.search(r"^Wrote 1 file into ", one, re.MULTILINE), one
