"""Each shipped rule fires exactly on its case and names its evidence."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from migrator.errors import SpecError
from migrator.inventory.model import Interface
from migrator.risk import evaluate, load_rules
from migrator.risk.rules import DEFAULT_RULES
from tests.risk.facts import AS_OF, CODE, RUN, SYSTEM, inventory, plan, with_run

# case → (inventory, runs, plan, as_of, the one code expected, what its evidence must say)
CASES = {
    "contract ends before the release": (
        inventory(replace(SYSTEM, release_date=dt.date(2027, 6, 1))), [RUN], plan(), AS_OF, "RSK001",
        ["inventory.xlsx システム一覧!A5", "contract end=2027-03-31", "release date=2027-06-01"]),
    "no target vendor": (
        inventory(replace(SYSTEM, target_vendor=None)), [RUN], plan(), AS_OF, "RSK002",
        ["target vendor=-", "current vendor=株式会社エーシステム"]),
    "interim linkage": (
        inventory(interfaces=(Interface(CODE, "住民記録システム", "国保システム", "ファイル", notes="暫定連携"),)),
        [RUN], plan(), AS_OF, "RSK003", ["interim links=1"]),
    "special migration support": (
        inventory(replace(SYSTEM, special_support=True, special_deadline=dt.date(2030, 3, 31))), [RUN], plan(),
        AS_OF, "RSK004", ["special deadline=2030-03-31"]),
    "contract ends before the cut-over": (
        inventory(replace(SYSTEM, contract_end=dt.date(2025, 12, 31))), [RUN], plan(), AS_OF, "RSK005",
        ["contract end=2025-12-31", "cut-over date=2026-01-05", "plan t: 132012/001/住民記録システム/cutover"]),
    "too many rows rejected": (
        inventory(), [with_run(rows_rejected=50, rows_out=950)], plan(), AS_OF, "RSK010",
        ["run #7 juki-to-001 (2025-06-20)", "reject share=5.0%", "rejected=50"]),
    "unmapped 外字": (
        inventory(), [with_run(counts={"MAP406": 2, "DAT108": 1})], plan(), AS_OF, "RSK011",
        ["unmapped gaiji=3", "findings DAT108×1, MAP406×2"]),
    "code values without a conversion": (
        inventory(), [with_run(counts={"MAP404": 4})], plan(), AS_OF, "RSK012", ["unconverted codes=4"]),
    "reconciliation gaps": (
        inventory(), [with_run(counts={"DAT302": 1, "DAT303": 2})], plan(), AS_OF, "RSK013",
        ["reconciliation gaps=3"]),
    "run older than the next rehearsal": (
        inventory(), [with_run(finished_at=dt.datetime(2025, 4, 1, tzinfo=dt.UTC))], plan(), AS_OF, "RSK014",
        ["run date=2025-04-01", "next rehearsal=2025-09-01", "run age at the rehearsal (days)=153"]),
    "no run before a near rehearsal": (
        inventory(), [], plan(), dt.date(2025, 7, 15), "RSK015", ["days to rehearsal=48"]),
    "no run and the rehearsal's day passed (not done): due now, not days ago": (
        inventory(), [], plan(), dt.date(2026, 11, 30), "RSK015", ["next rehearsal=2025-09-01", "days to rehearsal=0"]),
    "late cut-over": (
        inventory(), [RUN], plan(late_days=5), AS_OF, "RSK020",
        ["late days=5", "chain=132012/001/住民記録システム/code_mapping → 132012/001/住民記録システム/rehearsal1 → "
                        "132012/001/住民記録システム/cutover"]),
    "on the critical path": (
        inventory(), [RUN], plan(critical=True), AS_OF, "RSK021", ["critical tasks=migration rehearsal 1"]),
    "cut-over in a busy season": (
        inventory(), [RUN], plan(cutover=dt.date(2026, 3, 25)), AS_OF, "RSK022", ["freeze window=moving season"]),
}


def test_the_clean_system_has_no_concern() -> None:
    register = evaluate(inventory=inventory(), runs=[RUN], plan=plan(), as_of=AS_OF)
    assert register.concerns == ()
    assert register.readiness[0].run_id == RUN.id


@pytest.mark.parametrize("case", CASES)
def test_each_rule_fires_exactly_on_its_case_and_names_its_evidence(case: str) -> None:
    inv, runs, the_plan, as_of, code, evidence = CASES[case]
    register = evaluate(inventory=inv, runs=runs, plan=the_plan, as_of=as_of)
    assert [c.code for c in register.concerns] == [code]
    text = "\n".join(e.text() for e in register.concerns[0].evidence)
    for part in evidence:
        assert part in text


def test_every_shipped_rule_has_a_case() -> None:
    assert {r.code for r in load_rules().rules} == {c[4] for c in CASES.values()}


def test_the_due_date_is_the_latest_start_of_the_threatened_task() -> None:
    the_plan = plan(late_days=3)
    concern = evaluate(inventory=inventory(), runs=[RUN], plan=the_plan, as_of=AS_OF).concerns[0]
    assert concern.due == the_plan.calendar.day(180)
    assert (concern.owner_role, concern.owner) == ("target_vendor", "ビー情報サービス株式会社")
    assert concern.measure == 3


def test_without_a_plan_only_inventory_and_run_concerns_are_raised() -> None:
    inv = inventory(replace(SYSTEM, contract_end=dt.date(2025, 1, 31)))
    register = evaluate(inventory=inv, runs=[with_run(rows_rejected=30)], plan=None, as_of=AS_OF)
    assert [c.code for c in register.concerns] == ["RSK001", "RSK010"]
    assert all(c.due is None for c in register.concerns)


def test_a_rules_file_overrides_switches_off_and_tightens(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n"
                    "  - {code: RSK010, when: [[reject_share, '>', 0.001]], severity: warning}\n"
                    "  - {code: RSK002, enabled: false}\n", encoding="utf-8")
    rules = load_rules(path)
    inv = inventory(replace(SYSTEM, target_vendor=None))
    register = evaluate(inventory=inv, runs=[with_run(rows_rejected=5)], plan=plan(), rules=rules, as_of=AS_OF)
    assert [(c.code, c.severity) for c in register.concerns] == [("RSK010", "warning")]
    shipped = evaluate(inventory=inv, runs=[with_run(rows_rejected=5)], plan=plan(), as_of=AS_OF)
    assert [c.code for c in shipped.concerns] == ["RSK002"]


@pytest.mark.parametrize(("text", "says"), [
    ("rules:\n  - {code: RSK010, when: [[rejects, '>', 1]]}\n", "unknown fact 'rejects'"),
    ("rules:\n  - {code: RSK010, when: [[reject_share, '~', 1]]}\n", "unknown operator"),
    ("rules:\n  - {code: PLN002, when: [[late_days, '>', 1]]}\n", "RSK code"),
    ("rules:\n  - {code: RSK010, owner: pmo}\n", "owner must be one of"),
    ("rules: [\n", "Cannot read as YAML: expected the node content, but found '<stream end>' (line 2, column 1)"),
])
def test_a_wrong_rules_file_names_the_file_and_the_rule(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "my-rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as err:
        load_rules(path)
    assert says in err.value.message("en")
    assert "my-rules.yaml" in err.value.message("en")


def test_a_rules_file_that_is_no_yaml_is_said_in_japanese_at_its_line() -> None:
    from migrator.risk.rules import parse_rules

    with pytest.raises(SpecError) as err:
        parse_rules("rules:\n  - {code: RSK010\n", source="my-rules.yaml")
    assert err.value.code == "CORE115" and err.value.location is not None and err.value.location.line == 3
    assert err.value.message("ja") == ("my-rules.yaml:3: YAML として読めません: { } の並びが閉じていないか、要素の間に「,」が"
                                       "ありません (3 行 1 桁目) [CORE115]")


def test_the_shipped_rules_are_a_readable_file() -> None:
    assert "RSK001" in DEFAULT_RULES.read_text(encoding="utf-8")


def test_a_list_in_a_concern_is_joined_as_its_language_joins_lists() -> None:
    from dataclasses import replace as swap

    the_plan = plan(critical=True)
    the_plan = swap(the_plan, tasks=[swap(t, critical=True) if t.phase_id == "cutover" else t for t in the_plan.tasks])
    (concern,) = evaluate(inventory=inventory(), runs=[RUN], plan=the_plan, as_of=AS_OF).concerns
    assert "（移行リハーサル1、本番移行）" in concern.message_ja
    assert "(migration rehearsal 1, cut-over)" in concern.message_en  # the phases' English names


def test_a_busy_season_is_named_in_the_language_of_the_message() -> None:
    (concern,) = evaluate(inventory=inventory(), runs=[RUN], plan=plan(cutover=dt.date(2026, 3, 25)),
                          as_of=AS_OF).concerns
    assert concern.code == "RSK022"
    assert "転入転出期" in concern.message_ja and "moving season" not in concern.message_ja
    assert "moving season" in concern.message_en and "転入転出期" not in concern.message_en


def test_evidence_points_at_the_cell_of_each_field_read_and_names_it_as_the_inventory_does() -> None:
    system = replace(SYSTEM, special_support=True, special_deadline=dt.date(2030, 3, 31),
                     cells={"special_support": "M5", "special_deadline": "N5", "contract_end": "H5"})
    (concern,) = evaluate(inventory=inventory(system), runs=[RUN], plan=plan(system), as_of=AS_OF).concerns
    assert concern.code == "RSK004"
    en = [e.text("en") for e in concern.evidence]
    ja = [e.text("ja") for e in concern.evidence]
    assert en == ["[inventory] inventory.xlsx システム一覧!M5: special support=yes",
                  "[inventory] inventory.xlsx システム一覧!N5: special deadline=2030-03-31"]
    assert ja == ["[システム一覧] inventory.xlsx システム一覧!M5: 特定移行支援=はい",
                  "[システム一覧] inventory.xlsx システム一覧!N5: 特定移行支援期限=2030-03-31"]
    # no 特定移行支援期限 cell (or a blank one and the default deadline): the deadline is at the 特定移行支援 cell
    for cells, deadline in (({"special_support": "M5"}, dt.date(2030, 3, 31)),
                            ({"special_support": "M5", "special_deadline": "N5"}, None)):
        system = replace(SYSTEM, special_support=True, special_deadline=deadline, cells=cells)
        (concern,) = evaluate(inventory=inventory(system), runs=[RUN], plan=plan(system), as_of=AS_OF).concerns
        assert [e.text("en").split(" ", 2)[2] for e in concern.evidence] == [
            "システム一覧!M5: special support=yes",
            f"システム一覧!M5: special deadline={(deadline or system.deadline).isoformat()}"]
    # a field read nowhere (no cell) stays at the row; a run's and a plan's evidence speak the language asked
    (concern,) = evaluate(inventory=inventory(), runs=[with_run(counts={"MAP404": 4})], plan=plan(),
                          as_of=AS_OF).concerns
    assert [e.text("ja") for e in concern.evidence] == [
        "[検証] 実行 #7 juki-to-001 (2025-06-20): 未変換コード=4、指摘 MAP404×4"]
    (concern,) = evaluate(inventory=inventory(), runs=[RUN], plan=plan(late_days=5), as_of=AS_OF).concerns
    assert concern.evidence[0].text("ja").startswith("[計画] 計画 t: 132012/001/住民記録システム/cutover: 遅延日数=5、")


def test_a_done_rehearsal_passes_the_due_date_to_the_next_phase_the_rule_names() -> None:
    the_plan = plan()
    the_plan.tasks[1].status = "完了"
    concern = evaluate(inventory=inventory(), runs=[with_run(rows_rejected=50, rows_out=950)], plan=the_plan,
                       as_of=AS_OF).concerns[0]
    assert (concern.code, concern.due, concern.due_note) == ("RSK010", the_plan.calendar.day(180), "")
    for task in the_plan.tasks:
        task.status = "完了"
    concern = evaluate(inventory=inventory(), runs=[with_run(rows_rejected=50, rows_out=950)], plan=the_plan,
                       as_of=AS_OF).concerns[0]
    assert (concern.due, concern.due_note) == (None, "done")
    assert concern.due_text("ja") == "算出不可: 該当工程は完了済み"
