"""Acceptance on the shipped sample extracts with the real sample mappings (mappings/).

The expected counts are the planted defects documented in sample_data/README.md (Extracts).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import DATA, run_cli

MAPPINGS = DATA / "mappings"
EXTRACTS = DATA / "sample_data" / "extracts"
MAINFRAME = (str(MAPPINGS / "juki_mainframe_jumin.xlsx"), str(EXTRACTS / "juki_mainframe.dat"))

# (code, item) -> count, as documented in sample_data/README.md.
MAINFRAME_DEFECTS = {
    ("MAP407", "個人番号"): 3,
    ("MAP411", "生年月日"): 2,  # month 13: a day that does not exist
    ("MAP404", "性別"): 2,
    ("MAP404", "性別表記"): 2,
    ("MAP406", "氏名"): 2,
    ("DAT201", "宛名番号"): 2,
    ("DAT203", "世帯番号"): 1,
    ("DAT010", None): 1,
    ("DAT107", "住所_市区町村コード"): 1,
    ("DAT109", "住民状態"): 1,
    # The legacy layout's own rules, on the extract as read: the death row of DAT109 breaks 死亡 ⇔ B2, and the
    # two impossible birth dates of MAP411 sort after their 異動年月日 (warnings; the rows are judged above).
    ("DAT050", "住民状態"): 1,
    ("DAT050", "生年月日"): 2,
}
RDB_DEFECTS = {
    ("MAP407", "個人番号"): 2,
    ("MAP404", "性別"): 1,
    ("MAP404", "性別表記"): 1,
    ("DAT203", "世帯番号"): 1,
    ("DAT002", None): 1,
    ("DAT109", "住民状態"): 1,
    ("DAT202", "世帯番号"): 1,
    ("DAT202", "世帯主宛名番号"): 1,
    ("MAP408", "世帯員数"): 1,
    ("DAT050", "状態区分"): 1,  # the legacy layout's 死亡 ⇔ 異動事由 32 rule, on the row of DAT109
}


def rdb(prefix: str = "juki_rdb") -> list[str]:
    return [str(MAPPINGS / "juki_rdb_jumin.xlsx"), str(EXTRACTS / f"{prefix}_kojin.csv"),
            str(MAPPINGS / "juki_rdb_setai.xlsx"), str(EXTRACTS / f"{prefix}_setai.csv")]


def counts(report: dict, severity: str | None = None) -> dict[tuple[str, str | None], int]:
    """(code, item) -> count of the findings of ``severity`` (default: all but information)."""
    got: Counter[tuple[str, str | None]] = Counter()
    for f in report["findings"]:
        if (f["severity"] == severity) if severity else (f["severity"] != "info"):
            got[(f["code"], f.get("item"))] += f.get("count") or 1
    return dict(got)


def test_mainframe_sample_reports_exactly_the_planted_defects(workdir: Path) -> None:
    result = run_cli("validate", *MAINFRAME, "--out", "out", "--format", "json", "--no-store", expect=1)
    report = json.loads(result.stdout)
    assert counts(report) == MAINFRAME_DEFECTS
    assert report["summary"]["rows_in"] == 3000
    # Rejected: 1 unreadable record and 11 with a row-level error (3 MAP407, 2 MAP411, 2 MAP404, 2 MAP406,
    # 1 DAT107, 1 DAT109): an unmapped 外字 never reaches the standard output. Cross-table findings
    # (DAT201, DAT203) do not reject rows.
    assert report["summary"]["rows_rejected"] == 12 and report["summary"]["rows_out"] == 2988
    converted = (workdir / "out" / "juki-mainframe-to-001-jumin.csv").read_text(encoding="utf-8").splitlines()
    assert converted[0].split(",")[:2] == ["宛名番号", "世帯番号"]
    assert len(converted) == 1 + 2988
    assert not any("\ue00a" in line for line in converted)
    gaiji = openpyxl.load_workbook(workdir / "out" / "report.xlsx")["外字"]
    assert [[c.value for c in row] for row in gaiji.iter_rows()] == [["character", "code point", "count"],
                                                                     ["\ue00a", "U+E00A", 2]]
    by_code = {f["code"]: f for f in report["findings"]}
    assert by_code["MAP407"]["source"].startswith("項目対応!")
    # An example points at the extract: its fixed-width field and byte range, not the standard item.
    place = by_code["MAP407"]["examples"][0]["location"]
    assert (place["column"], place["bytes"]) == ("KOJIN-NO", "618-629")
    assert by_code["DAT010"]["location"]["line"] == 832


def test_mainframe_clean_sample_passes(workdir: Path) -> None:
    result = run_cli("validate", str(MAPPINGS / "juki_mainframe_jumin.xlsx"),
                     str(EXTRACTS / "juki_mainframe_clean.dat"), "--reconcile", "--format", "json", expect=0)
    assert counts(json.loads(result.stdout)) == {}


def test_rdb_sample_two_tables_in_one_run(workdir: Path) -> None:
    result = run_cli("validate", *rdb(), "--out", "out", "--format", "json", "--no-store", expect=1)
    report = json.loads(result.stdout)
    assert counts(report) == RDB_DEFECTS
    # The 生年月日 YYYY/02/30 is kept: a non-calendar birth date is accepted as 戸籍 records it (1.1.8).
    assert counts(report, "info") == {("DAT401", "生年月日"): 1}
    assert report["summary"]["rows_in"] == 3000 + 1138 and report["summary"]["rows_rejected"] == 6
    missing = next(f for f in report["findings"] if f["code"] == "DAT202" and f["item"] == "世帯番号")
    assert missing["location"]["file"].endswith("juki_rdb_kojin.csv")


def test_rdb_clean_sample_passes_with_reconciliation(workdir: Path) -> None:
    result = run_cli("validate", *rdb("juki_rdb_clean"), "--reconcile", "--out", "out", "--format", "json",
                     expect=0)
    assert counts(json.loads(result.stdout)) == {}


@pytest.mark.parametrize("clean", [False, True])
def test_mapping_run_is_the_same_command(workdir: Path, clean: bool) -> None:
    extract = "juki_mainframe_clean.dat" if clean else "juki_mainframe.dat"
    run_cli("mapping", "run", MAINFRAME[0], str(EXTRACTS / extract), "--no-store", expect=0 if clean else 1)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_group_total_that_differs_is_told_in_the_language_asked(workdir: Path, lang: str) -> None:
    # The mapping's 照合集計 is 住民状態: the rejected rows leave its groups short in the output.
    result = run_cli("--lang", lang, "validate", *MAINFRAME, "--reconcile", "--no-store", "--format", "json",
                     expect=1)
    totals = sorted(f["message"] for f in json.loads(result.stdout)["findings"] if f["code"] == "DAT303")
    assert totals == ([
        "集計照合 件数 住民状態（住民状態=1）: 抽出 2955、出力 2945。",
        "集計照合 件数 住民状態（住民状態=3）: 抽出 1、出力 0。",
    ] if lang == "ja" else [
        "Reconciliation count of 住民状態 (住民状態=1): extract 2955, output 2945.",
        "Reconciliation count of 住民状態 (住民状態=3): extract 1, output 0.",
    ])
    text = run_cli("--lang", lang, "validate", *MAINFRAME, "--reconcile", "--no-store", expect=1).stdout
    assert ("件数 住民状態" in text) == (lang == "ja") and ("count of 住民状態" in text) == (lang == "en")
