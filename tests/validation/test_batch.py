"""``migrator batch MANIFEST``: several municipalities' runs in one command, per-job reports and a roll-up."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from migrator.errors import InputError
from migrator.validation.batch import read_manifest
from tests.conftest import DATA, run_cli

EXTRACTS = DATA / "sample_data" / "extracts"
MAPPINGS = DATA / "mappings"


def _manifest(folder: Path) -> Path:
    path = folder / "night.csv"
    path.write_text(
        "job,municipality,mapping,extract\n"
        f"chiyoda,131016,{MAPPINGS / 'juki_rdb_jumin.xlsx'},{EXTRACTS / 'juki_rdb_clean_kojin.csv'}\n"
        f"chiyoda,131016,{MAPPINGS / 'juki_rdb_setai.xlsx'},{EXTRACTS / 'juki_rdb_clean_setai.csv'}\n"
        f"hachioji,132012,{MAPPINGS / 'juki_rdb_jumin.xlsx'},{EXTRACTS / 'juki_rdb_kojin.csv'}\n"
        f"hachioji,132012,{MAPPINGS / 'juki_rdb_setai.xlsx'},{EXTRACTS / 'juki_rdb_setai.csv'}\n", encoding="utf-8")
    return path


def test_a_batch_on_a_process_pool_gives_each_job_its_reports_and_a_rollup(workdir: Path) -> None:
    manifest = _manifest(workdir)
    result = run_cli("batch", str(manifest), "--out", "night", "--workers", "2", "--format", "json", expect=1)
    rollup = json.loads((workdir / "night" / "rollup.json").read_text(encoding="utf-8"))
    jobs = {j["job"]: j for j in rollup["summary"]["jobs"]}
    assert set(jobs) == {"chiyoda", "hachioji"}
    assert jobs["chiyoda"]["exit_code"] == 0 and jobs["hachioji"]["exit_code"] == 1
    single = json.loads((workdir / "night" / "hachioji" / "report.json").read_text(encoding="utf-8"))
    assert single["summary"]["rows_in"] == jobs["hachioji"]["rows_in"] > 0
    assert sum(f["count"] for f in single["findings"]) == sum(f["count"] for f in rollup["findings"])
    assert (workdir / "night" / "chiyoda" / "report.xlsx").is_file()
    assert json.loads(result.stdout)["summary"]["jobs"] == rollup["summary"]["jobs"]


def test_a_manifest_error_names_the_file_and_row(workdir: Path) -> None:
    manifest = workdir / "bad.csv"
    manifest.write_text(f"job,municipality,mapping,extract\na,131016,{MAPPINGS / 'juki_rdb_jumin.xlsx'},nowhere.csv\n",
                        encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_manifest(manifest)
    assert caught.value.location is not None and caught.value.location.line == 2
    result = run_cli("batch", str(manifest), expect=2)
    assert "bad.csv" in result.stderr + result.stdout and "DAT501" in result.stderr + result.stdout


def test_a_yaml_manifest_groups_the_pairs_of_a_job(workdir: Path) -> None:
    manifest = workdir / "night.yaml"
    manifest.write_text(
        "jobs:\n  - name: chiyoda\n    municipality: '131016'\n    pairs:\n"
        f"      - {{mapping: {MAPPINGS / 'juki_rdb_jumin.xlsx'}, extract: {EXTRACTS / 'juki_rdb_clean_kojin.csv'}}}\n"
        f"      - {{mapping: {MAPPINGS / 'juki_rdb_setai.xlsx'}, extract: {EXTRACTS / 'juki_rdb_clean_setai.csv'}}}\n",
        encoding="utf-8")
    jobs = read_manifest(manifest)
    assert [(j.name, j.municipality, len(j.pairs)) for j in jobs] == [("chiyoda", "131016", 2)]


@pytest.mark.parametrize("name", ["jobs.csv", "jobs.yaml"])
def test_a_manifest_saved_as_shift_jis_is_named_as_such(tmp_path: Path, name: str) -> None:
    text = "job,municipality,mapping,extract\n住基,132012,m.xlsx,e.csv\n" if name.endswith("csv") else \
        "jobs:\n  - name: 住基\n    pairs: [{mapping: m.xlsx, extract: e.csv}]\n"
    path = tmp_path / name
    path.write_bytes(text.encode("cp932"))
    with pytest.raises(InputError) as caught:
        read_manifest(path)
    assert caught.value.code == "CORE114" and "Shift_JIS" in caught.value.en
    assert caught.value.location is not None and caught.value.location.line == 2  # the first non-ASCII byte


def test_a_manifests_municipality_is_read_as_the_inventory_reads_a_code(workdir: Path) -> None:
    manifest = workdir / "night.csv"
    manifest.write_text("job,municipality,mapping,extract\n"
                        f"a, １３２０１ ,{MAPPINGS / 'juki_rdb_jumin.xlsx'},{EXTRACTS / 'juki_rdb_clean_kojin.csv'}\n"
                        f",13101,{MAPPINGS / 'juki_rdb_jumin.xlsx'},{EXTRACTS / 'juki_rdb_clean_kojin.csv'}\n",
                        encoding="utf-8")
    assert [(j.name, j.municipality) for j in read_manifest(manifest)] == [("a", "132012"), ("131016", "131016")]
    yaml_manifest = workdir / "night.yaml"
    yaml_manifest.write_text(f"jobs:\n  - name: b\n    municipality: '１３２０１２'\n    pairs:\n"
                             f"      - {{mapping: {MAPPINGS / 'juki_rdb_jumin.xlsx'}, "
                             f"extract: {EXTRACTS / 'juki_rdb_clean_kojin.csv'}}}\n", encoding="utf-8")
    assert [j.municipality for j in read_manifest(yaml_manifest)] == ["132012"]


@pytest.mark.parametrize(("name", "municipality", "code"), [
    ("013", "011002", "011002"), ("1.0e+3", "01100", "011002"), ("0x1F", "132012", "132012"), ("yes", "13201", "132012"),
    ("1_000", "~", None),
])
def test_a_yaml_manifest_reads_names_and_codes_as_written(workdir: Path, name: str, municipality: str,
                                                          code: str | None) -> None:
    """Unquoted, YAML reads 011002 as the octal number 4610 and 013 as 11, 1.0e+3 as 1000.0, 0x1F as 31, yes as
    true: a manifest holds names and codes, so each is the text written (札幌市 011002 works without quotes)."""
    manifest = workdir / "night.yaml"
    manifest.write_text(f"jobs:\n  - name: {name}\n    municipality: {municipality}\n    pairs:\n"
                        f"      - {{mapping: {MAPPINGS / 'juki_rdb_jumin.xlsx'}, "
                        f"extract: {EXTRACTS / 'juki_rdb_clean_kojin.csv'}}}\n", encoding="utf-8")
    assert [(j.name, j.municipality) for j in read_manifest(manifest)] == [(name, code)]


@pytest.mark.parametrize(("lang", "word"), [("en", "check digit of 13201 is 2"), ("ja", "13201 の検査数字は 3 ではなく 2")])
def test_a_manifests_wrong_municipality_code_names_the_file_and_line(workdir: Path, lang: str, word: str) -> None:
    manifest = workdir / "night.csv"
    manifest.write_text("job,municipality,mapping,extract\n"
                        f"a,132012,{MAPPINGS / 'juki_rdb_jumin.xlsx'},{EXTRACTS / 'juki_rdb_clean_kojin.csv'}\n"
                        f"b,132013,{MAPPINGS / 'juki_rdb_jumin.xlsx'},{EXTRACTS / 'juki_rdb_clean_kojin.csv'}\n",
                        encoding="utf-8")
    result = run_cli("--lang", lang, "batch", str(manifest), "--out", "night", expect=2)
    assert f"{manifest}:3" in result.stderr and "municipality '132013'" in result.stderr and word in result.stderr
    assert "DAT501" in result.stderr and not (workdir / "night").exists()


@pytest.mark.parametrize(("lang", "title", "labels"), [
    ("ja", "一括実行の結果", ["ジョブ", "実行エンジン", "ジョブ: chiyoda", "団体コード: 131016", "終了コード: 0"]),
    ("en", "Batch run", ["Jobs", "Engine", "Job: chiyoda", "Municipality: 131016", "Exit code: 0"]),
])
def test_a_rollup_is_titled_and_labelled_in_the_language_asked_for(workdir: Path, lang: str, title: str,
                                                                    labels: list[str]) -> None:
    import openpyxl

    manifest = workdir / "one.csv"
    manifest.write_text("job,municipality,mapping,extract\n"
                        f"chiyoda,131016,{MAPPINGS / 'juki_rdb_setai.xlsx'},{EXTRACTS / 'juki_rdb_clean_setai.csv'}\n",
                        encoding="utf-8")
    result = run_cli("--lang", lang, "batch", str(manifest), "--out", "night", "--workers", "1")
    assert result.stdout.startswith(title)
    html = (workdir / "night" / "rollup.html").read_text(encoding="utf-8")
    assert f"<title>{title}</title>" in html
    summary = openpyxl.load_workbook(workdir / "night" / "rollup.xlsx").worksheets[0]
    cells = "\n".join(str(c) for row in summary.iter_rows(values_only=True) for c in row if c is not None)
    assert title in cells and all(label in cells for label in labels)
    assert not re.search(r"(?m)^(batch run|jobs|engine|job:|municipality:|exit_code:)", cells)
