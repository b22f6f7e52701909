"""One language at a time: every command's help, every finding message and the sample reports in Japanese hold
no English words, and in English no Japanese, apart from what is not language — item names and terms as the
standard writes them, codes, values, file names and option names (the allow-lists below)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import click
import pytest
from openpyxl import load_workbook

from migrator.catalogue import catalogue
from migrator.cli.main import cli
from migrator.mapping.transforms import REGISTRY as TRANSFORMS
from tests.conftest import REPO, run_cli
from tests.shared_demo import demo_folder, in_folder

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]+")
# Technical names that stay in Latin letters in Japanese text (formats, products, encodings, placeholders).
TECH = {
    "migrator",
    "Apache",
    "Spark",
    "Java",
    "Parquet",
    "yarn",
    "pyspark",
    "pip",
    "Debian",
    "YAML",
    "yaml",
    "yml",
    "CSV",
    "csv",
    "Excel",
    "JSON",
    "json",
    "HTML",
    "html",
    "xlsx",
    "xls",
    "SQLite",
    "PostgreSQL",
    "OR",
    "Tools",
    "CP",
    "SAT",
    "Mermaid",
    "README",
    "ID",
    "LANG",
    "UTF",
    "utf",
    "sig",
    "cp",
    "sjis",
    "shift",
    "jis",
    "ms",
    "Shift",
    "JIS",
    "Unicode",
    "NUL",
    "VT",
    "FFFD",
    "XFD",
    "zip",
    "API",
    "DB",
    "standard",
    "municipality",
    "strict",
    "heuristic",
    "exact",
    "text",
    "base",
    "head",
    "solver",
    "docs",
    "md",
    "sha",
    "string",
    "part",
    "field",
    "bytes",
    "code",
    "policy",
    "pattern",
    "format",
    "applies",
    "to",
    "dates",
    "sheet",
    "synonyms",
    "values",
    "show",
    "partial",
    "DAT",
    "LGWAN",
    "PLN",
    "Gantt",
    "run",
    "ja",
    "en",
    "x",
    "ok",
    "gaps",
    "mainframe",
    "rdb",
    "demo",
    "output",
    "db",
    "tour",
    "id",
    "PDF",
    "default",
}
# Terms and values the English texts keep in Japanese: item and sheet names, the standard's words, era names.
TERMS = {
    "標準準拠システム",
    "システム一覧",
    "団体コード",
    "項目対応表",
    "現行テーブル",
    "文字コード",
    "変換",
    "対象外",
    "連携一覧",
    "ベンダー",
    "特定移行支援",
    "移行計画",
    "懸念点一覧",
    "懸念点",
    "標準",
    "現行",
    "テーブル定義書",
    "基本データリスト",
    "備考",
    "住民",
    "個人",
    "完了",
    "作業中",
    "未着手",
    "タスク",
    "状況",
    "実績開始日",
    "実績終了日",
    "年末年始",
    "株式会社",
    "株",
    "外字",
    "外字方針",
    "残す",
    "年",
    "月",
    "日",
    "不詳",
    "和暦",
    "戸籍",
    "世帯主",
    "外字対応表",
    "明治",
    "大正",
    "昭和",
    "平成",
    "令和",
    "不詳フラグ",
    "不詳表記",
    "有",
    "無",
    "ファイル",
    "概要",
    "続柄",
    "縁故者",
    "除外",
    "コード変換",
    "住民記録システム標準仕様書",
    "件数",
    "合計",
    "シート",
}
PLACEHOLDER = re.compile(r"\{[^}]*\}")
# Not language: option names, ALL-CAPS placeholders and codes, paths and file names, numbers with units.
NOT_WORDS = re.compile(
    r"\w+://\S+|--?[A-Za-z][\w-]*|\b[A-Z][A-Z0-9_=]+\b|[\w.\-]*[/\\][\w./\\*\-]*|\b[\w\-]+\.(?:xlsx|yaml|csv|dat|json|html|db|md)\b"
    r"|\b[0-9a-f]{16,}\b|\b[a-z]+\d*:(?=\w)|\b\w+_\w+\b|\b\w+(?:-\w+)+\b|%[A-Za-z]|\[[a-z|]+\]"
)
WORD = re.compile(r"[A-Za-z]{2,}")


def english_words(text: str, allowed: set[str]) -> list[str]:
    """Latin-letter words of ``text`` that are neither a technical name nor a value."""
    text = NOT_WORDS.sub(" ", PLACEHOLDER.sub(" ", text))
    return [w for w in WORD.findall(text) if w not in TECH and w not in allowed]


def japanese_words(text: str, allowed: set[str]) -> list[str]:
    """Runs of kana and kanji in ``text`` that are not an allowed term or value."""
    words = []
    for run in JAPANESE.findall(PLACEHOLDER.sub(" ", text)):
        rest = run
        for term in sorted(TERMS | allowed, key=len, reverse=True):
            rest = rest.replace(term, "")
        if JAPANESE.search(rest):
            words.append(run)
    return words


def check(text: str, lang: str, *, where: str, allowed: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    wrong = english_words(text, set(allowed)) if lang == "ja" else japanese_words(text, set(allowed))
    assert not wrong, f"{where} ({lang}) holds text of the other language: {sorted(set(wrong))[:20]}"


def _commands(cmd: click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    if isinstance(cmd, click.Group):
        for name, sub in sorted(cmd.commands.items()):
            found += _commands(sub, (*path, name))
    return found


def _choices(cmd: click.Command) -> set[str]:
    found = {str(c) for p in cmd.params if isinstance(p.type, click.Choice) for c in p.type.choices}
    found |= {str(p.default) for p in cmd.params if isinstance(p.default, str)}
    if isinstance(cmd, click.Group):
        for sub in cmd.commands.values():
            found |= _choices(sub)
    return found


# command names, option values and defaults are typed, not read
# words a user types as they are: command names, choices, and the column names of a batch manifest
COMMAND_NAMES = {name for path in _commands(cli) for name in path} | _choices(cli)
COMMAND_NAMES |= {"job", "municipality", "mapping", "extract"} | {n for t in TRANSFORMS.values() for n in (t.name, *t.aliases)}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_help_is_in_one_language(lang: str) -> None:
    for path in _commands(cli):
        text = run_cli("--lang", lang, *path, "--help").stdout
        # example lines are commands to type, not language
        text = "\n".join(line for line in text.splitlines() if not line.strip().startswith("migrator "))
        check(text, lang, where=f"migrator {' '.join(path)} --help", allowed=COMMAND_NAMES)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_usage_errors_are_in_one_language(lang: str) -> None:
    for args in (
        ["validate", "--bogus"],
        ["validate"],
        ["nosuch"],
        ["validate", "--lang", "xx"],
        ["plan", "build", "--capacity", "x"],
    ):
        result = run_cli("--lang", lang, *args, expect=2)
        # what the user typed comes back as it was
        check(result.stderr, lang, where=" ".join(args), allowed=COMMAND_NAMES | {"bogus", "nosuch", "xx"})


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_finding_message_is_in_one_language(lang: str) -> None:
    for code, spec in catalogue().items():
        text = f"{spec.title_ja} {spec.message_ja}" if lang == "ja" else f"{spec.title_en} {spec.message_en}"
        check(text, lang, where=code, allowed=COMMAND_NAMES)  # options and their values quoted as typed


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return "\n".join(parser.parts)


def _sample_values(out: Path) -> set[str]:
    """Values the samples carry (findings' values, items, file names): they are data, not language."""
    import json

    values: set[str] = set()
    reports = [json.loads(p.read_text(encoding="utf-8")) for p in out.rglob("report.json")]
    reports.append(json.loads(run_cli("inventory", "check", "--format", "json", expect=None).stdout))
    for report in reports:
        for f in report["findings"]:
            where = [f["location"]["sheet"], f["location"]["column"], f["location"]["file"]]
            for text in (f["value"], f["item"], f["source"], *where, *(e["value"] for e in f["examples"])):
                values.update(WORD.findall(text or ""))
                values.update(JAPANESE.findall(text or ""))
    return values


def _item_names() -> set[str]:
    """Every table and item name of the bundled schemas: names as the standard and the layouts write them."""
    names: set[str] = set()
    for path in (REPO / "migrator" / "data" / "schemas").rglob("*.yaml"):
        names.update(re.findall(r"name: ([^,}\s]+)", path.read_text(encoding="utf-8")))
    # the names of the phases of the shipped task template, which plans show as task names
    names.update(
        JAPANESE.findall((REPO / "migrator" / "planning" / "templates.yaml").read_text(encoding="utf-8"))
    )
    return names


def _inventory_values() -> set[str]:
    """The names in the stored sample inventory (systems, vendors, municipalities): data, not language."""
    import json

    values: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        else:
            values.update(JAPANESE.findall(str(node)))
            values.update(WORD.findall(str(node)))

    walk(json.loads(run_cli("inventory", "list", "--format", "json").stdout))
    return values


def test_help_follows_a_lang_given_after_help() -> None:
    ja = run_cli("validate", "--help", "--lang", "ja").stdout
    assert ja.startswith("使い方:") and "オプション:" in ja
    en = run_cli("--lang", "en", "validate", "--help").stdout
    assert en.startswith("Usage:") and not JAPANESE.search(en.split("Options:")[0].split("Example")[0][:60])


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_sample_reports_are_in_one_language(tmp_path_factory: pytest.TempPathFactory, lang: str) -> None:
    folder = demo_folder(lang, tmp_path_factory)
    with in_folder(folder):
        _sample_reports_are_in(lang, folder)


def _sample_reports_are_in(lang: str, folder: Path) -> None:
    stdout = (folder / "demo-stdout.txt").read_text(encoding="utf-8")
    out = folder / "out"
    values = _sample_values(out) | {"out"} | _inventory_values() | _item_names()
    check(stdout, lang, where="migrator demo", allowed=values)
    pages = [out / "demo-summary.html", out / "inventory-check.html", *sorted(out.rglob("report.html"))]
    for page in pages:
        check(html_text(page), lang, where=str(page.relative_to(out)), allowed=values)
    for book in sorted(out.rglob("report.xlsx")):
        wb = load_workbook(book, read_only=True)
        for ws in wb.worksheets:
            header = next(ws.iter_rows(max_row=1, values_only=True), ())
            check(
                " ".join([ws.title, *(str(v) for v in header if v is not None)]),
                lang,
                where=f"{book.relative_to(out)} {ws.title}",
            )
        wb.close()
    for args in (["inventory", "check"], ["plan", "build", "--start", "2025-04-01"]):
        result = run_cli(
            "--lang", lang, *args, expect=None, env={"COLUMNS": "2000"}
        )  # whole values, not wrapped
        check(result.stdout + result.stderr, lang, where=" ".join(args), allowed=values)
