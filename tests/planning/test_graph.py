"""The task graph: interface edges between systems, and the user's extra edges file."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.errors import SpecError
from migrator.inventory.model import Interface, Inventory, Municipality, System, Vendor
from migrator.location import Location
from migrator.planning import load_config
from migrator.planning.graph import (
    INTERFACE_READY_RULE,
    INTERFACE_TEST_RULE,
    USER_RULE,
    Cycle,
    ExtraEdge,
    analyse,
    build_graph,
    load_extra_edges,
)

MUNI = "131016"


def _inventory(*interfaces: Interface) -> Inventory:
    systems = tuple(System(municipality_code=MUNI, area_code=code, area_name=area, name=name, current_vendor="A社",
                           target_vendor="A社", record_count=10_000)
                    for code, area, name in (("001", "住民基本台帳", "住記A"), ("001", "住民基本台帳", "住記B"),
                                             ("024", "国民健康保険", "国保")))
    return Inventory(municipalities=(Municipality(MUNI, "千代田区"),), systems=systems, interfaces=interfaces,
                     vendors=(Vendor("A社", 3),))


def _interface_edges(inventory: Inventory) -> set[tuple[str, str, str]]:
    graph = build_graph(inventory, load_config())
    keys = [t.key for t in graph.tasks]
    return {(keys[a].split("/")[2] + ":" + keys[a].split("/")[3], keys[b].split("/")[2] + ":" + keys[b].split("/")[3],
             rule) for a, b, rule in graph.edges if rule in (INTERFACE_TEST_RULE, INTERFACE_READY_RULE)}


def _phases() -> tuple[str, str, str, str]:
    ir = load_config().rules.interfaces
    return ir.rehearsal, ir.link_test, ir.ready, ir.cutover


def _expected(x: str, y: str, *, ready: bool = True) -> set[tuple[str, str, str]]:
    rehearsal, link_test, ready_phase, cutover = _phases()
    out = {(f"{x}:{rehearsal}", f"{y}:{link_test}", INTERFACE_TEST_RULE),
           (f"{y}:{rehearsal}", f"{x}:{link_test}", INTERFACE_TEST_RULE)}
    if ready:
        out |= {(f"{x}:{ready_phase}", f"{y}:{cutover}", INTERFACE_READY_RULE),
                (f"{y}:{ready_phase}", f"{x}:{cutover}", INTERFACE_READY_RULE)}
    return out


def test_an_end_naming_an_area_links_each_of_its_systems_but_not_a_system_to_itself() -> None:
    # 住記A → 住民基本台帳 (both 住記A and 住記B): only 住記A ↔ 住記B, whichever comes first
    found = _interface_edges(_inventory(Interface(MUNI, "住記A", "住民基本台帳", "ファイル")))
    assert found == _expected("住記A", "住記B")
    found = _interface_edges(_inventory(Interface(MUNI, "住民基本台帳", "住記B", "ファイル")))
    assert found == _expected("住記A", "住記B")


def test_an_interface_links_both_directions_with_readiness() -> None:
    found = _interface_edges(_inventory(Interface(MUNI, "住記A", "国保", "API")))
    assert found == _expected("住記A", "国保")


@pytest.mark.parametrize("field", ["method", "notes", "frequency"])
def test_an_interim_marker_in_any_field_drops_the_readiness_edges(field: str) -> None:
    values = {"method": "ファイル", "notes": None, "frequency": None, field: "暫定（interim）"}
    found = _interface_edges(_inventory(Interface(MUNI, "住記A", "国保", **values)))  # type: ignore[arg-type]
    assert found == _expected("住記A", "国保", ready=False)


def test_an_unknown_end_is_named_in_a_finding_at_the_cell_that_names_it() -> None:
    cells = {"source": "B7", "target": "C7"}
    itf = Interface(MUNI, "住記A", "どこにもない", "ファイル", origin="/in/inv.xlsx 連携一覧!A7", cells=cells)
    graph = build_graph(_inventory(itf), load_config())
    (finding,) = [f for f in graph.findings if f.code == "PLN003"]
    assert "どこにもない" in finding.message_en and "住記A → どこにもない" in finding.message_en
    assert finding.location == Location(file="/in/inv.xlsx", sheet="連携一覧", cell="C7")
    itf = Interface(MUNI, "どこにもない", "国保", "ファイル", origin="/in/inv.xlsx 連携一覧!A8",
                    cells={"source": "B8", "target": "C8"})
    (finding,) = [f for f in build_graph(_inventory(itf), load_config()).findings if f.code == "PLN003"]
    assert finding.location == Location(file="/in/inv.xlsx", sheet="連携一覧", cell="B8")
    # an interface stored before its cells were: the row
    itf = Interface(MUNI, "住記A", "どこにもない", "ファイル", origin="/in/inv.xlsx 連携一覧!A9")
    (finding,) = [f for f in build_graph(_inventory(itf), load_config()).findings if f.code == "PLN003"]
    assert finding.location == Location(file="/in/inv.xlsx", sheet="連携一覧", cell="A9")


def test_an_interfaces_edges_are_declared_at_its_target_cell() -> None:
    itf = Interface(MUNI, "住記A", "国保", "ファイル", origin="/in/inv.xlsx 連携一覧!A7",
                    cells={"source": "B7", "target": "C7"})
    graph = build_graph(_inventory(itf), load_config())
    assert graph.origins and set(graph.origins.values()) == {Location(file="/in/inv.xlsx", sheet="連携一覧", cell="C7")}


def test_extra_edges_are_read_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "edges.yaml"
    path.write_text("# mine\nedges:\n  - {from: a, to: b}\n  - from: 1\n    to: c\n", encoding="utf-8")
    assert load_extra_edges(path) == [ExtraEdge("a", "b", Location(file=str(path), line=3)),
                                      ExtraEdge("1", "c", Location(file=str(path), line=4))]
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    assert load_extra_edges(empty) == []


@pytest.mark.parametrize(("text", "key", "line", "en", "ja"), [
    ("- {from: a, to: b}\n", "edges", None, "the file must be a mapping with a list edges: [{from: KEY, to: KEY}]",
     "edges: [{from: キー, to: キー}] の形のマッピングにしてください"),
    ("edges: a->b\n", "edges", None, "the file must be a mapping with a list edges: [{from: KEY, to: KEY}]",
     "edges: [{from: キー, to: キー}] の形のマッピングにしてください"),
    ("edges:\n  - {from: a, to: b}\n  - {from: a}\n", "edges[1]", 3, "needs from and to", "from と to が必要です"),
    ("edges:\n  - {to: a}\n", "edges[0]", 2, "needs from and to", "from と to が必要です"),
    ("edges:\n  - a\n", "edges[0]", 2, "needs from and to", "from と to が必要です"),
])
def test_a_malformed_edges_file_is_refused_naming_the_place(tmp_path: Path, text: str, key: str, line: int | None,
                                                           en: str, ja: str) -> None:
    path = tmp_path / "edges.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as exc:
        load_extra_edges(path)
    assert exc.value.code == "PLN050"
    assert exc.value.location == Location(file=str(path), line=line)
    assert exc.value.en == f"{key}: {en}"
    assert exc.value.ja == f"{key}: {ja}"


def test_invalid_yaml_in_the_edges_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "edges.yaml"
    path.write_text("edges:\n  - {from: a, to: b\n", encoding="utf-8")
    with pytest.raises(SpecError) as exc:
        load_extra_edges(path)
    assert exc.value.code == "CORE115"
    assert exc.value.location is not None and exc.value.location.file == str(path)
    assert exc.value.location.line == 3
    assert exc.value.en == "Cannot read as YAML: expected ',' or '}', but got '<stream end>' (line 3, column 1)"
    assert exc.value.ja == "YAML として読めません: { } の並びが閉じていないか、要素の間に「,」がありません (3 行 1 桁目)"


def test_an_extra_edge_naming_an_unknown_task_is_a_finding_naming_that_end() -> None:
    inventory = _inventory()
    graph = build_graph(inventory, load_config())
    known_a, known_b = graph.tasks[0].key, graph.tasks[-1].key
    at = Location(file="edges.yaml", row=2)
    extra = [
        ExtraEdge(known_a, known_b),
        ExtraEdge("131016/001/ない/cutover", known_b, at),
        ExtraEdge(known_a, "131016/001/住記A/ない", at),
    ]
    graph = build_graph(inventory, load_config(), extra_edges=extra)
    missing = [(f.code, f.item, f.location) for f in graph.findings]
    assert missing == [("PLN004", "131016/001/ない/cutover", at), ("PLN004", "131016/001/住記A/ない", at)]
    assert [e for e in graph.edges if e[2] == USER_RULE] == [(0, len(graph.tasks) - 1, USER_RULE)]


def test_a_system_without_any_vendor_is_a_finding() -> None:
    inventory = _inventory()
    orphan = System(
        municipality_code=MUNI, area_code="024", area_name="国民健康保険", name="国保", record_count=10_000
    )
    inventory = Inventory(
        municipalities=inventory.municipalities,
        vendors=inventory.vendors,
        systems=(*inventory.systems[:2], orphan),
    )
    graph = build_graph(inventory, load_config())
    assert [(f.code, f.item) for f in graph.findings] == [("PLN006", "国保")]
    assert "131016" in graph.findings[0].message_en and "National Health Insurance" in graph.findings[0].message_en
    assert "国民健康保険" in graph.findings[0].message_ja and "国民健康保険" not in graph.findings[0].message_en


def test_every_task_knows_whether_its_phase_waits_for_the_release() -> None:
    config = load_config()
    graph = build_graph(_inventory(), config)
    releases = [ph.release for ph in config.template.phases]
    assert True in releases and False in releases
    assert graph.phase_release == releases * 3
    assert graph.phase_due == [ph.due for ph in config.template.phases] * 3


def test_separate_cycles_are_each_reported_in_order_of_their_tasks() -> None:
    edges = [(3, 4, "b"), (4, 3, "b"), (0, 1, "a"), (1, 0, "a"), (1, 0, "c"), (2, 2, "self"), (5, 0, "x")]
    assert analyse(6, edges) == (
        [],
        [],
        [
            Cycle(nodes=(0, 1), edges=((0, 1, "a"), (1, 0, "a; c"))),
            Cycle(nodes=(2,), edges=((2, 2, "self"),)),
            Cycle(nodes=(3, 4), edges=((3, 4, "b"), (4, 3, "b"))),
        ],
    )


def test_a_system_without_a_vendor_is_located_at_its_row() -> None:
    system = System(municipality_code=MUNI, area_code="001", area_name="住民基本台帳", name="住記",
                    record_count=10, source="/in/inv.xlsx システム一覧!A9")
    graph = build_graph(Inventory(municipalities=(Municipality(MUNI, "千代田区"),), systems=(system,)), load_config())
    (finding,) = [f for f in graph.findings if f.code == "PLN006"]
    assert finding.location == Location(file="/in/inv.xlsx", sheet="システム一覧", cell="A9")


def test_an_interface_end_names_a_system_without_its_trailing_system_word_or_in_another_width() -> None:
    systems = tuple(System(municipality_code=MUNI, area_code=code, area_name=area, name=name, current_vendor="A社",
                           target_vendor="A社")
                    for code, area, name in (("010", "個人住民税", "税務システム"), ("024", "国民健康保険", "ＡＢＣ国保")))
    inventory = Inventory(municipalities=(Municipality(MUNI, "千代田区"),), systems=systems,
                          interfaces=(Interface(MUNI, "税務", "ABC国保 システム", "ファイル"),), vendors=(Vendor("A社", 3),))

    graph = build_graph(inventory, load_config())

    assert [f.code for f in graph.findings if f.code == "PLN003"] == []
    keys = [t.key for t in graph.tasks]
    assert (f"{MUNI}/010/税務システム/rehearsal2", f"{MUNI}/024/ＡＢＣ国保/link_test") in {
        (keys[a], keys[b]) for a, b, rule in graph.edges if rule == INTERFACE_TEST_RULE}
