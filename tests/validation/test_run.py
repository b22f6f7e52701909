"""The validation run on frames built here (a contract-shaped stand-in for the compiled mapping)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import polars as pl
import pytest

from migrator.schema import SchemaRegistry, apply_profile
from migrator.store import open_store, upgrade
from migrator.store.validation_repo import list_runs, save_run
from migrator.validation.outputs import write_run_reports
from migrator.validation.run import Job, RunOptions, run_jobs
from tests.conftest import DATA
from tests.validation.fakes import FakeIssue, identity

HEADER = "世帯番号,世帯主宛名番号,世帯主氏名,世帯員数,住所_市区町村コード\n"
ROWS = [
    "000000000010014,000000000010022,山田　太郎,2,131016",  # clean
    "000000000010022,000000000010030,鈴木　花子,x,131015",  # integer, lg_code
    "000000000010014,12,高橋　一郎,1,131016",  # duplicate key, m11w27 on 世帯主宛名番号
    "000000000010030,000000000010049,佐藤　誠,3,131016",  # clean
]


@pytest.fixture
def standard():
    # The municipality profile: the M11 check digit on existing numbers and a required 世帯主氏名, which these
    # cases rely on (the standard's own rules are tested in test_standard_rules.py).
    return apply_profile(SchemaRegistry.load(DATA / "schemas").get("std-001-juki"), "municipality-strict")


def _run(tmp_path: Path, standard, totals: str = "件数:世帯員数", **opts):
    path = tmp_path / "setai.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    issue = FakeIssue("世帯員数", "MAP408", ~pl.col("世帯員数").str.contains("^[0-9]+$"), pl.col("世帯員数"),
                      "項目対応!D5")
    compiled = identity(standard.table("世帯"), settings={"照合集計": totals, "照合キー": "世帯番号"},
                        issues=[issue], mapping_id="setai")
    options = RunOptions(out_dir=tmp_path / "out", reconcile=True, **opts)
    return run_jobs([Job(compiled, path, standard)], options)


def test_findings_aggregated_per_code_and_item(tmp_path: Path, standard) -> None:
    result = _run(tmp_path, standard)
    got = {(f.code, f.item): f.count for f in result.report.findings if f.code.startswith(("DAT1", "DAT2", "MAP"))}
    # 世帯員数 "x" fails the integer check (DAT103) too, but the mapping reported that value already
    # (MAP408): one cause, one finding.
    assert got == {
        ("DAT107", "住所_市区町村コード"): 1, ("DAT107", "世帯主宛名番号"): 1,
        ("DAT201", "世帯番号"): 2, ("MAP408", "世帯員数"): 1,
    }
    integer = next(f for f in result.report.findings if f.code == "MAP408")
    assert integer.source == "項目対応!D5" and integer.share == 0.25
    ex = integer.examples[0]
    assert (ex.location.row, ex.location.line, ex.value, ex.converted) == (2, 3, "x", "x")
    assert result.report.exit_code == 1
    assert result.report.summary["rows_in"] == 4
    assert result.report.summary["rows_out"] == 2 and result.report.summary["rows_rejected"] == 2


def test_outputs_rejects_permissions_and_masking(tmp_path: Path, standard) -> None:
    result = _run(tmp_path, standard)
    out = tmp_path / "out"
    paths = [*result.outputs, *write_run_reports(result, out, "ja")]
    converted = pl.read_csv(out / "setai.csv", infer_schema=False)
    assert converted.columns == list(standard.table("世帯").item_names)
    assert converted["世帯番号"].to_list() == ["000000000010014", "000000000010030"]
    rejects = pl.read_csv(out / "setai.rejects.csv", infer_schema=False)
    assert rejects.to_dicts() == [
        # 世帯番号 is the key but personal data: the rejects name rows and lines, never the resident's key.
        {"行番号": "2", "物理行": "3", "指摘コード": "DAT107 MAP408", "指摘項目": "世帯員数 住所_市区町村コード"},
        {"行番号": "3", "物理行": "4", "指摘コード": "DAT107", "指摘項目": "世帯主宛名番号"},
    ]
    for path in paths:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        if path.name == "setai.csv":
            continue  # the converted data itself is the product; every other file must not leak
        data = path.read_bytes()
        for name in ("鈴木　花子", "高橋　一郎", "山田　太郎", "花子", "一郎"):
            assert name.encode() not in data, (path, name)


def test_show_values_unmasks_and_warns(tmp_path: Path, standard) -> None:
    ROWS.append("000000000010049,000000000010057,,1,131016")
    try:
        result = _run(tmp_path, standard, show_values=True)
    finally:
        ROWS.pop()
    assert any(f.code == "DAT901" for f in result.report.findings)
    required = next(f for f in result.report.findings if f.code == "DAT101")
    assert required.item == "世帯主氏名" and required.count == 1


def test_reconciliation_counts_groups(tmp_path: Path, standard) -> None:
    result = _run(tmp_path, standard)
    recon = {(f.code, f.message_en) for f in result.report.findings if f.code.startswith("DAT30")}
    assert recon == {
        ("DAT302", "A value of the key 世帯番号 does not appear exactly once in output or rejects (more than once)."),
        ("DAT303", "Reconciliation count of 世帯員数 (世帯員数=1): extract 1, output 0."),
        ("DAT303", "Reconciliation count of 世帯員数 (世帯員数=x): extract 1, output 0."),
    }


@pytest.mark.parametrize("show_values", [False, True])
def test_a_group_of_personal_data_is_masked_in_its_reconciliation_finding(tmp_path: Path, standard,
                                                                          show_values: bool) -> None:
    # Counting by 世帯主氏名 makes each name a group: the message names the group by its value, masked unless
    # the user asked to see values.
    result = _run(tmp_path, standard, totals="件数:世帯主氏名", show_values=show_values)
    messages = [f.message(lang) for f in result.report.findings if f.code == "DAT303" for lang in ("ja", "en")]
    assert len(messages) == 4  # the two rejected households, in each language
    shown = " ".join(messages)
    assert ("花子" in shown and "一郎" in shown) is show_values
    assert all("世帯主氏名=" in m for m in messages)


def test_a_blank_group_is_named_blank_in_the_language_of_each_message(tmp_path: Path, standard) -> None:
    ROWS.append("000000000010049,000000000010057,,1,131016")  # no 世帯主氏名: rejected (required), group blank
    try:
        result = _run(tmp_path, standard, totals="件数:世帯主氏名")
    finally:
        ROWS.pop()
    blank = [f for f in result.report.findings if f.code == "DAT303" and "None" not in f.message_en + f.message_ja
             and "extract 1, output 0" in f.message_en]
    assert [(f.message_ja, f.message_en) for f in blank if "=(" in f.message_en] == [
        ("集計照合 件数 世帯主氏名（世帯主氏名=(空欄)）: 抽出 1、出力 0。",
         "Reconciliation count of 世帯主氏名 (世帯主氏名=(blank)): extract 1, output 0.")]


@pytest.mark.parametrize("totals", ["件数:世帯員数; 合計:世帯員数", "count:世帯員数; sum:世帯員数", "世帯員数; 合計：世帯員数"])
def test_a_group_total_that_differs_is_told_in_the_language_of_each_message(tmp_path: Path, standard,
                                                                           totals: str) -> None:
    # Either word of the setting gives the same findings: the measure is named in the message's language.
    result = _run(tmp_path, standard, totals=totals)
    totals_found = [f for f in result.report.findings if f.code == "DAT303"]
    assert sorted(f.message("ja") for f in totals_found) == [
        "集計照合 件数 世帯員数（世帯員数=1）: 抽出 1、出力 0。",
        "集計照合 件数 世帯員数（世帯員数=x）: 抽出 1、出力 0。",
        "集計照合 合計 世帯員数（-）: 抽出 6.000000、出力 5.000000。",
    ]
    assert sorted(f.message("en") for f in totals_found) == [
        "Reconciliation count of 世帯員数 (世帯員数=1): extract 1, output 0.",
        "Reconciliation count of 世帯員数 (世帯員数=x): extract 1, output 0.",
        "Reconciliation sum of 世帯員数 (-): extract 6.000000, output 5.000000.",
    ]
    assert not any(word in f.message_en for f in totals_found for word in ("件数", "合計", "照合"))


def test_household_heads_and_references(tmp_path: Path, standard) -> None:
    jumin = standard.table("住民")
    names = list(jumin.item_names)
    rows = [
        {"宛名番号": "000000000010014", "世帯番号": "000000000010022", "続柄コード1": "02", "住民状態": "1"},
        {"宛名番号": "000000000010030", "世帯番号": "000000000010022", "続柄コード1": "02", "住民状態": "1"},
        {"宛名番号": "000000000010048", "世帯番号": "000000000099990", "続柄コード1": "02", "住民状態": "1"},
    ]
    path = tmp_path / "jumin.csv"
    pl.DataFrame([{n: r.get(n) for n in names} for r in rows], schema={n: pl.String for n in names}).write_csv(path)
    setai = tmp_path / "setai.csv"
    setai.write_text(HEADER + "000000000010022,000000000010014,山田　太郎,2,131016\n", encoding="utf-8")
    jobs = [Job(identity(jumin, mapping_id="jumin"), path, standard),
            Job(identity(standard.table("世帯"), mapping_id="setai"), setai, standard)]
    result = run_jobs(jobs, RunOptions())
    got = {(f.code, f.item): f.count for f in result.report.findings if f.code.startswith("DAT2")}
    assert got == {("DAT203", "世帯番号"): 1, ("DAT202", "世帯番号"): 1}
    heads = next(f for f in result.report.findings if f.code == "DAT203")
    assert "has 2 heads" in heads.message_en


def test_run_summary_stored(tmp_path: Path, standard, db_url: str) -> None:
    import datetime as dt

    result = _run(tmp_path, standard)
    upgrade(db_url)
    store = open_store(db_url)
    with store.transaction() as session:
        save_run(session, mapping_id="setai", report=result.report, started_at=dt.datetime.now(dt.UTC))
    with store.reader() as session:
        runs = list_runs(session)
    assert runs[0]["rows_in"] == 4 and runs[0]["exit_code"] == 1
    assert runs[0]["counts"]["DAT201:世帯番号"] == 2
    assert json.dumps(runs[0]["input_checksums"]).count("sha256:") == 1


def test_reference_to_another_business_area(tmp_path: Path) -> None:
    """個人住民税 課税台帳.宛名番号 references 住民記録 住民.宛名番号 when both extracts are in one run (DAT204)."""
    from migrator.validation.run import load_job

    registry = SchemaRegistry.load(DATA / "schemas")
    jumin, _ = load_job(DATA / "mappings" / "juki_mainframe_jumin.xlsx",
                        DATA / "sample_data" / "extracts" / "juki_mainframe_clean.dat", registry=registry)
    assert jumin is not None
    tax_schema = registry.get("std-010-kojin-juminzei")
    table = tax_schema.table("課税台帳")
    names = list(table.item_names)
    known = ["000000000010014", "000000000010022"]
    unknown = "000000990000093"  # a valid check digit, nobody's number
    path = tmp_path / "kazei.csv"
    pl.DataFrame([{n: ({"宛名番号": a, "課税年度": "2025"}).get(n) for n in names} for a in [*known, unknown]],
                 schema={n: pl.String for n in names}).write_csv(path)
    tax = Job(identity(table, mapping_id="kazei"), path, tax_schema)
    result = run_jobs([jumin, tax], RunOptions())
    (ref,) = [f for f in result.report.findings if f.code == "DAT204"]
    assert (ref.item, ref.count, ref.location.row) == ("宛名番号", 1, 3)
    assert "住民.宛名番号" in ref.message_en
    alone = run_jobs([tax], RunOptions())  # without the 住民 extract the reference cannot be checked
    assert not any(f.code == "DAT204" for f in alone.report.findings)


@pytest.mark.parametrize("header", [True, False], ids=["header", "rows"])
def test_an_error_writing_the_converted_file_stops_the_run_and_its_threads(tmp_path: Path, standard, monkeypatch,
                                                                          header: bool) -> None:
    # The header is written before the first batch, the rows by a thread of their own: either error is the
    # run's, told as the output it could not write (not as an internal error), no thread of the run (reader,
    # writer) is left behind and no output file either.
    import threading

    from migrator.errors import InputError

    write_csv = pl.DataFrame.write_csv

    def full(self, *args, **kwargs):
        if kwargs.get("include_header", True) == header:
            raise OSError(28, "No space left on device")
        return write_csv(self, *args, **kwargs)

    monkeypatch.setattr(pl.DataFrame, "write_csv", full)
    before = set(threading.enumerate())
    with pytest.raises(InputError) as caught:
        _run(tmp_path, standard)
    assert caught.value.code == "CORE120"
    assert caught.value.message("en") == (f"{tmp_path / 'out' / 'setai.csv'}: Cannot write the output: no space left "
                                          "on the device. [CORE120]")
    left = {t.name for t in set(threading.enumerate()) - before}
    assert not left & {"extract-reader", "output-writer"}
    assert list((tmp_path / "out").iterdir()) == []


def test_an_unusable_reconciliation_setting_is_told_in_each_language(tmp_path: Path, standard) -> None:
    path = tmp_path / "setai.csv"
    path.write_text(HEADER + ROWS[0] + "\n", encoding="utf-8")
    compiled = identity(standard.table("世帯"), settings={"照合集計": "平均:世帯員数; 件数:nosuch; sum:gone; absent"},
                        mapping_id="setai")
    result = run_jobs([Job(compiled, path, standard)], RunOptions(out_dir=tmp_path / "out", reconcile=True))
    bad = sorted((f.message_ja, f.message_en) for f in result.report.findings if f.code == "DAT304")
    # the setting is echoed as it was written; the reason is in the language of each message
    assert bad == [
        ("照合設定「absent」を解釈できません: absent は 世帯 の標準項目ではありません",
         "Reconciliation setting absent cannot be used: absent is not a standard item of 世帯"),
        ("照合設定「sum:gone」を解釈できません: gone は 世帯 の標準項目ではありません",
         "Reconciliation setting sum:gone cannot be used: gone is not a standard item of 世帯"),
        ("照合設定「件数:nosuch」を解釈できません: nosuch は 世帯 の標準項目ではありません",
         "Reconciliation setting 件数:nosuch cannot be used: nosuch is not a standard item of 世帯"),
        ("照合設定「平均:世帯員数」を解釈できません: 件数:項目名 か 合計:項目名 の形で書いてください",
         "Reconciliation setting 平均:世帯員数 cannot be used: write count:ITEM or sum:ITEM"),
    ]


@pytest.mark.parametrize(("option", "value", "en", "ja"), [
    ("--municipality", "1320123", "--municipality '1320123' is not a 団体コード: give its six digits, or the first "
     "five (the check digit is added).", "--municipality '1320123' は団体コードではありません。6 桁の数字か、検査数字を除いた 5 桁で指定してください。"),
    ("--system", "住民記録" * 51, "the system name has 204 characters; at most 200 can be recorded",
     "システム名が 204 文字です。記録できるのは 200 文字までです。"),
])
def test_a_link_the_store_cannot_record_is_refused_before_the_run(db_url: str, workdir: Path, option: str,
                                                                  value: str, en: str, ja: str) -> None:
    """PostgreSQL refused such a run after it had written its outputs (SQLite kept it): now every database
    refuses it alike, in the user's language, before anything is read or written."""
    from tests.conftest import run_cli

    mapping = str(DATA / "mappings" / "juki_rdb_jumin.xlsx")
    extract = str(DATA / "sample_data" / "extracts" / "juki_rdb_clean_kojin.csv")
    run_cli("--db", db_url, "db", "upgrade")
    for lang, message in (("en", en), ("ja", ja)):
        refused = run_cli("--db", db_url, "--lang", lang, "validate", mapping, extract, "--out", "run",
                          option, value, expect=2)
        assert message in refused.stderr and "refused the change" not in refused.stderr
    assert not (workdir / "run").exists()
    run_cli("--db", db_url, "validate", mapping, extract, "--out", "run", "-m", "132012", "--system", "住民記録" * 50)
    store = open_store(db_url)
    try:
        with store.reader() as session:
            assert len(list_runs(session)) == 1
    finally:
        store.close()
