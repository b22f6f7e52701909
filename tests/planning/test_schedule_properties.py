"""Random DAGs: the schedule respects every dependency, capacity and mask, and never beats the CPM bound."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from migrator.planning.graph import analyse
from migrator.planning.schedule import Problem, cpm, levelled_float, schedule, violations


@st.composite
def problems(draw) -> Problem:  # type: ignore[no-untyped-def]
    n = draw(st.integers(1, 40))
    dur = draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    edges = [(a, b) for b in range(n) for a in range(b) if draw(st.integers(0, 9)) == 0]
    n_res = draw(st.integers(1, 3))
    cap = draw(st.lists(st.integers(1, 3), min_size=n_res, max_size=n_res))
    res = draw(st.lists(st.integers(-1, n_res - 1), min_size=n, max_size=n))
    release = draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))
    pattern = draw(st.lists(st.booleans(), min_size=7, max_size=7).filter(any))
    mask = bytearray(int(pattern[i % 7]) for i in range(400))
    use_mask = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    preds: list[list[int]] = [[] for _ in range(n)]
    succs: list[list[int]] = [[] for _ in range(n)]
    for a, b in edges:
        preds[b].append(a)
        succs[a].append(b)
    order, _wave, cycles = analyse(n, [(a, b, "r") for a, b in edges])
    assert not cycles

    def grow(k: int) -> None:
        while len(mask) < k:
            mask.append(int(pattern[len(mask) % 7]))

    return Problem(dur=dur, preds=preds, succs=succs, order=order, res=res, cap=cap, release=release,
                   mask=[0 if m else -1 for m in use_mask], masks=[mask], grow=grow)


# Example counts scale with the profile (tests/conftest.py): 1.5× its count here, 0.6× below.
@settings(max_examples=settings().max_examples * 3 // 2)
@given(problems(), st.integers(0, 3))
def test_schedule_is_feasible_and_bounded_by_cpm(p: Problem, passes: int) -> None:
    bound = cpm(p).makespan
    s = schedule(p, priority=cpm(p).tail, passes=passes)
    assert violations(p, s.start) == []
    assert s.makespan >= bound
    assert s.makespan <= s.greedy_makespan
    assert s.makespan == max((a + d for a, d in zip(s.start, p.dur, strict=True)), default=0)


@settings(max_examples=settings().max_examples * 3 // 5)
@given(problems())
def test_without_capacity_the_schedule_meets_the_cpm_bound(p: Problem) -> None:
    p.res = [-1] * p.n
    s = schedule(p, priority=cpm(p).tail)
    assert s.makespan == cpm(p).makespan


@st.composite
def slotted(draw) -> tuple[Problem, int]:  # type: ignore[no-untyped-def]
    """Random problems with migration projects (chains of tasks closed by their last) on project slots, and
    cut-over slots of one per five-day period."""
    p = draw(problems())
    members = [v for v in range(p.n) if draw(st.booleans())]
    n_proj = draw(st.integers(1, 4))
    groups: list[list[int]] = [[] for _ in range(n_proj)]
    for v in members:
        groups[draw(st.integers(0, n_proj - 1))].append(v)
    groups = [g for g in groups if g]
    proj = [-1] * p.n
    close = []
    for pid, g in enumerate(groups):
        for a, b in itertools.pairwise(g):  # a chain inside the project, in index (topological) order
            if a not in p.preds[b]:
                p.preds[b].append(a)
                p.succs[a].append(b)
        for v in g:
            proj[v] = pid
        close.append(g[-1])
    p.order = analyse(p.n, [(a, b, "r") for b in range(p.n) for a in p.preds[b]])[0]
    p.proj, p.proj_close = proj, close
    p.proj_res = [0] * len(close)
    p.proj_cap = [draw(st.integers(1, 2))]
    p.slot_cap = [1]
    p.slot_period = [lambda t: (t - t % 5, t - t % 5 + 5)]
    p.slot_of = {c: (0,) for c in close if p.dur[c]}
    return p, draw(st.integers(0, 3))


@settings(max_examples=settings().max_examples * 3 // 5)
@given(slotted())
def test_project_and_cutover_slots_hold_through_the_passes_and_the_float(case: tuple[Problem, int]) -> None:
    p, passes = case
    s = schedule(p, priority=cpm(p).tail, passes=passes, restarts=20)
    if not s.forced:
        assert violations(p, s.start) == []
    # The passes keep the lanes: the schedule obeys them as edges, and pushing any single task by its
    # levelled float keeps every limit.
    levelled = p.with_links(s.links)
    assert violations(levelled, s.start) == [] or s.forced
    floats = levelled_float(levelled, s.start, [None] * p.n)
    for v in range(p.n):
        assert floats[v] >= 0
