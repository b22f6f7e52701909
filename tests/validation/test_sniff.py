"""A delimited extract of another shape than declared gets a hint at line 1 that names the probable cause."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import DATA, run_cli

MAPPING = str(DATA / "mappings" / "juki_rdb_jumin.xlsx")
SAMPLE = DATA / "sample_data" / "extracts" / "juki_rdb_clean_kojin.csv"


def _extract(name: str, *, newline: str = "\n", separator: str = ",") -> str:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()[:4]
    Path(name).write_text(newline.join(line.replace(",", separator) for line in lines) + newline, encoding="utf-8")
    return name


def _hints(name: str, lang: str = "en") -> list[tuple[str, int | None, str]]:
    res = run_cli("--lang", lang, "validate", MAPPING, name, "--out", "out", "--no-store", "--format", "json",
                  expect=None)
    assert res.exit_code in (0, 1), res.stderr
    return [(f["location"]["file"], f["location"]["line"], f["message"]) for f in json.loads(res.stdout)["findings"]
            if f["code"] == "DAT018"]


def test_lines_ending_in_cr_only_are_named_as_the_cause(workdir: Path) -> None:
    ((file, line, message),) = _hints(_extract("cr.csv", newline="\r"))
    assert (file, line) == ("cr.csv", 1) and "CR only" in message
    ((_, _, ja),) = _hints("cr.csv", "ja")
    assert "行末が CR だけ" in ja


@pytest.mark.parametrize(("separator", "named"), [("\t", "TAB"), (";", "';'"), ("|", "'|'")])
def test_another_separator_than_the_declared_comma_is_named(workdir: Path, separator: str, named: str) -> None:
    ((file, line, message),) = _hints(_extract("other.csv", separator=separator))
    assert (file, line) == ("other.csv", 1)
    assert f"holds no ',', the declared separator, but 36 {named}" in message and "file.delimiter" in message
    ((_, _, ja),) = _hints("other.csv", "ja")
    assert f"{named} が 36 個" in ja


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_file_of_the_declared_shape_gets_no_hint(workdir: Path, newline: str) -> None:
    assert _hints(_extract("ok.csv", newline=newline)) == []
