"""Linking runs to systems, data readiness, and the exact diff of two registers."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from migrator.i18n import Lang
from migrator.inventory.model import Inventory, Municipality
from migrator.risk import Concern, diff, evaluate, link_runs
from tests.risk.facts import AS_OF, CODE, RUN, SYSTEM, inventory, plan, with_run

OTHER = replace(SYSTEM, name="住民情報システム2", source=None)


def two_systems() -> Inventory:
    return Inventory(municipalities=(Municipality(CODE, "八王子市"),), systems=(SYSTEM, OTHER))


def test_a_linked_run_changes_that_systems_readiness_only() -> None:
    inv = Inventory(municipalities=(Municipality(CODE, "八王子市"), Municipality("132021", "立川市")),
                    systems=(SYSTEM, replace(SYSTEM, municipality_code="132021")))
    before = evaluate(inventory=inv, runs=[], plan=None, as_of=AS_OF)
    assert [r.run_id for r in before.readiness] == [None, None]
    run = with_run(rows_rejected=20, counts={"DAT108": 2, "DAT301": 1})
    after = evaluate(inventory=inv, runs=[run], plan=None, as_of=AS_OF)
    ready = {r.municipality_code: r for r in after.readiness}
    assert (ready[CODE].run_id, ready[CODE].rows_in, ready[CODE].rows_rejected) == (7, 1000, 20)
    assert (ready[CODE].gaiji_unmapped, ready[CODE].reconciliation, ready[CODE].reject_share) == (2, "gaps", 0.02)
    assert ready["132021"].run_id is None
    assert {(c.municipality_code, c.code) for c in after.concerns} == {(CODE, "RSK010"), (CODE, "RSK011"),
                                                                       (CODE, "RSK013")}


def test_the_last_run_of_a_system_counts() -> None:
    old = with_run(id=3, rows_rejected=500, finished_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    new = with_run(id=4, rows_rejected=0, finished_at=dt.datetime(2025, 6, 25, tzinfo=dt.UTC))
    assert link_runs(inventory(), [new, old])[SYSTEM.key].id == 4
    assert evaluate(inventory=inventory(), runs=[new, old], plan=plan(), as_of=AS_OF).concerns == ()


def test_a_run_naming_a_system_links_to_that_system_alone() -> None:
    linked = link_runs(two_systems(), [with_run(system_name=OTHER.name)])
    assert list(linked) == [OTHER.key]
    both = link_runs(two_systems(), [RUN])
    assert sorted(both) == sorted([SYSTEM.key, OTHER.key])


def test_a_run_without_municipality_links_only_when_its_area_is_unambiguous() -> None:
    assert list(link_runs(inventory(), [with_run(municipality_code=None)])) == [SYSTEM.key]
    assert link_runs(two_systems(), [with_run(municipality_code=None)]) == {}
    assert link_runs(inventory(), [with_run(area_code="010")]) == {}


def _concern(code: str, system: str, severity: str = "warning", measure: float | None = None) -> Concern:
    return Concern(code=code, severity=severity, municipality_code=CODE, municipality_name="八王子市",
                   area_code="001", area_name="住民基本台帳", system_name=system, title_ja="t", title_en="t",
                   message_ja="m", message_en="m", measure=measure)


def test_the_diff_of_two_registers_is_exact() -> None:
    before = [_concern("RSK001", "A"), _concern("RSK010", "A", "error", 0.05), _concern("RSK011", "B", measure=3),
              _concern("RSK020", "B", "warning", 4), _concern("RSK021", "C", "info")]
    after = [_concern("RSK010", "A", "error", 0.02), _concern("RSK011", "B", measure=9),
             _concern("RSK020", "B", "error", 4), _concern("RSK021", "C", "info"), _concern("RSK002", "C", "error")]
    change = diff(before, after)
    assert [c.key for c in change.resolved] == [("RSK001", CODE, "001", "A")]
    assert [c.key for c in change.new] == [("RSK002", CODE, "001", "C")]
    assert [(w.before.measure, w.after.measure, w.after.severity) for w in change.worse] == [
        (3, 9, "warning"), (4, 4, "error")]
    assert change.unchanged == 2
    assert diff(after, after).to_dict()["unchanged"] == 5


def test_a_concern_survives_its_snapshot_form() -> None:
    register = evaluate(inventory=inventory(replace(SYSTEM, target_vendor=None)), runs=[RUN], plan=plan(),
                        as_of=AS_OF)
    concern = register.concerns[0]
    assert Concern.from_dict(concern.to_dict()) == concern


def test_the_readiness_sheet_lists_findings_and_says_reconciliation_as_the_language_does() -> None:
    from migrator.risk.export import register_sheets, to_html

    run = with_run(rows_rejected=20, counts={"DAT108": 2, "DAT301": 1})
    register = evaluate(inventory=inventory(), runs=[run], plan=None, as_of=AS_OF)
    said: tuple[tuple[Lang, str, str], ...] = (("ja", "DAT108×2、DAT301×1", "不一致あり"),
                                               ("en", "DAT108×2, DAT301×1", "gaps"))
    for lang, findings, recon in said:
        (_, ready) = register_sheets(register, lang)
        (row,) = ready.rows
        assert (row[-2], row[-1]) == (recon, findings)
        assert findings in to_html(register, lang)
