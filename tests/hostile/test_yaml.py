"""YAML files (schemas, mapping YAML, calendars, templates, rules, edges): bounded depth and size, right words.

A hundred thousand nested ``[`` is not a RecursionError, a "billion laughs" is stopped after a bounded
walk, Shift_JIS or UTF-16 text is named as such with its line, and a ``!!python/`` tag is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.hostile import builders as b
from tests.hostile.conftest import refused

COMMANDS: dict[str, list[str]] = {
    "schema check": ["schema", "check", "{f}"],
    "mapping check": ["mapping", "check", "{f}"],
    "plan build --calendar": ["plan", "build", "--calendar", "{f}"],
    "plan build --template": ["plan", "build", "--template", "{f}"],
    "plan build --rules": ["plan", "build", "--rules", "{f}"],
    "plan build --edges": ["plan", "build", "--edges", "{f}"],
    "risk list --rules": ["risk", "list", "--rules", "{f}"],
}


def _laughs() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    return "\n".join(lines) + "\nformat: *a8\n"


def _block_nesting(depth: int) -> str:
    return "".join(f"{'  ' * i}k{i}:\n" for i in range(depth)) + f"{'  ' * depth}leaf\n"


# kind → (text or bytes of the file, code, words, extra root options)
KINDS: dict[str, tuple[Callable[[], str | bytes], str, str, list[str]]] = {
    "100,000 nested [": (lambda: "[" * 100_000, "CORE108", "yaml_depth", []),
    "deep block nesting": (lambda: _block_nesting(200), "CORE108", "yaml_depth", []),
    "billion laughs": (_laughs, "CORE108", "yaml_nodes", []),
    "alias of its own ancestor": (lambda: "format: &a [1, *a]\n", "CORE108", "yaml_nodes", []),
    "too many values": (lambda: "format: 1\nitems: [" + ", ".join(["1"] * 500) + "]\n", "CORE108", "yaml_nodes",
                        ["--limit", "yaml_nodes=300"]),  # above the shipped template (215)
    "shift_jis text": (lambda: "format: 1\n# 住民基本台帳\nname: 住民\n".encode("cp932"), "CORE114", "Shift_JIS", []),
    "utf-16 text": (lambda: "format: 1\nname: 住民\n".encode("utf-16"), "CORE114", "UTF-16", []),
    "file over limit": (lambda: "format: 1\n" + "# padding\n" * 200, "CORE105", "text_bytes",
                        ["--limit", "text_bytes=1k"]),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", COMMANDS)
def test_hostile_yaml_is_refused_located(workdir: Path, command: str, kind: str) -> None:
    make, code, words, options = KINDS[kind]
    path = b.text_file(workdir, "hostile.yaml", make())
    args = [str(path) if a == "{f}" else a for a in COMMANDS[command]]
    res = refused(*options, *args, code=code, places=(str(path), words))
    if code == "CORE114":  # the line of the first undecodable byte
        assert f"{path}:" in res.stderr


def test_python_tag_in_mapping_yaml_is_refused_not_dropped(workdir: Path) -> None:
    text = b.MAPPING_YAML.read_text(encoding="utf-8").replace(
        "マッピングID: juki-rdb-to-001-jumin", "マッピングID: !!python/object/apply:os.system [echo pwned]")
    path = b.text_file(workdir, "tagged.yaml", text)
    refused("mapping", "check", str(path), code="MAP012", exit=1, places=(f"{path}:3", "python/object/apply"))


def test_custom_tag_in_mapping_yaml_is_refused(workdir: Path) -> None:
    text = b.MAPPING_YAML.read_text(encoding="utf-8").replace("  標準テーブル: 住民", "  標準テーブル: !include 住民")
    path = b.text_file(workdir, "custom.yaml", text)
    refused("mapping", "check", str(path), code="MAP012", exit=1, places=(f"{path}:5", "!include"))


def test_surrogate_in_a_schema_does_not_break_the_json_report(workdir: Path) -> None:
    path = b.text_file(workdir, "surrogate.yaml", 'format: "\\ud800"\n')
    res = run_cli("schema", "check", str(path), "--format", "json", expect=1)
    assert "\ufffd" in res.stdout and str(path) in res.stdout


def test_limits_raised_on_the_command_line_let_a_deep_file_through(workdir: Path) -> None:
    path = b.text_file(workdir, "deep.yaml", _block_nesting(80))
    refused("schema", "check", str(path), code="CORE108", places=("yaml_depth",))
    res = run_cli("--limit", "yaml_depth=100", "schema", "check", str(path), expect=1)
    assert "CORE108" not in res.stderr + res.stdout


# a syntax error → (the parser's words in English, what it means in Japanese, line, column)
SYNTAX: dict[str, tuple[str, str, str, int, int]] = {
    "missing colon": ("format: 1\nname 住民\nitems: 2\n", "could not find expected ':'", "「:」がありません", 3, 1),
    "colon inside a value": ("format: 1\nname: a: b\n", "mapping values are not allowed here", "引用符で囲んで", 2, 8),
    "tab indent": ("format: 1\nitems:\n\t- 1\n", "found character '\\t' that cannot start any token", "タブ文字", 3, 1),
    "open quote": ("format: 1\nname: '住民\n", "found unexpected end of stream", "引用符が閉じられない", 3, 1),
    "open list": ("format: 1\nitems: [1, 2\n", "expected ',' or ']'", "[ ] の並びが閉じていない", 3, 1),
    "uneven indent": ("format: 1\nitems:\n  a: 1\n b: 2\n", "expected <block end>", "字下げがそろっていません", 4, 2),
    "unknown alias": ("format: 1\nname: *x\n", "found undefined alias 'x'", "定義されていない別名", 2, 7),
}


@pytest.mark.parametrize("kind", SYNTAX)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_yaml_syntax_error_is_said_in_the_language_asked_at_its_line_and_column(
        workdir: Path, command: str, kind: str) -> None:
    text, en, ja, line, column = SYNTAX[kind]
    path = b.text_file(workdir, "broken.yaml", text)
    args = [str(path) if a == "{f}" else a for a in COMMANDS[command]]
    code = {"schema check": "SCH001", "mapping check": "MAP009"}.get(command, "CORE115")
    exit = 1 if code != "CORE115" else 2
    english = refused("--lang", "en", *args, code=code, exit=exit,
                      places=(f"{path}:{line}", en, f"(line {line}, column {column})"))
    assert ja not in english.stdout + english.stderr
    japanese = refused("--lang", "ja", *args, code=code, exit=exit,
                       places=(f"{path}:{line}", ja, f"({line} 行 {column} 桁目)"))
    assert en.split()[0] + " " not in japanese.stdout + japanese.stderr  # no word of the parser's English


@pytest.mark.parametrize(("text", "en", "ja"), [
    ("format: wrong/1\n", "format must be", "format は"),
    ("- a\n", "not a YAML mapping", "マッピング(キー: 値)ではありません"),
    ("format: migrator.mapping/1\nitems: 3\n", "items must be a list", "items は一覧"),
    ("format: migrator.mapping/1\nitems:\n  - 3\n", "each entry of items must be a mapping", "items の各項目は"),
    ("format: migrator.mapping/1\nitems:\n  - {zzz: 1}\n", "unknown key(s) zzz in items", "不明なキー zzz"),
])
def test_a_mapping_yaml_of_the_wrong_shape_is_map009_in_each_language(workdir: Path, text: str, en: str,
                                                                      ja: str) -> None:
    (workdir / "m.yaml").write_text(text, encoding="utf-8")
    for lang, want, other in (("en", en, ja), ("ja", ja, en)):
        res = run_cli("--lang", lang, "mapping", "check", "m.yaml", expect=1)
        assert "MAP009" in res.stdout and want in res.stdout and other not in res.stdout
