"""Random DAGs: the schedule respects every dependency, capacity and mask, and never beats the CPM bound."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from migrator.planning.graph import analyse
from migrator.planning.schedule import (
    GRID,
    Problem,
    backward_pass,
    cpm,
    energy_bound,
    freeze_due,
    horizon_bound,
    latest_starts,
    levelled_float,
    schedule,
    violations,
)


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


@settings(max_examples=settings().max_examples * 3 // 5)
@given(problems(), st.data())
def test_backward_pass_keeps_every_task_that_meets_its_due_day_before_it(p: Problem, data: st.DataObject) -> None:
    start = schedule(p, priority=cpm(p).tail, passes=0).start
    makespan = max((a + d for a, d in zip(start, p.dur, strict=True)), default=0)
    due = data.draw(st.lists(st.integers(0, makespan + 3), min_size=p.n, max_size=p.n))
    for limit in (due, freeze_due(p, start)):  # drawn due days; a cut-over before its next day off
        new = backward_pass(p, start, limit)
        assert new is not None
        assert violations(p, new) == []
        for v in range(p.n):
            assert start[v] <= new[v] and new[v] + p.dur[v] <= makespan
            if start[v] + p.dur[v] <= limit[v]:
                assert new[v] + p.dur[v] <= limit[v]
            if limit is not due and p.mask[v] >= 0 and v not in p.fixed:
                assert all(p.masks[p.mask[v]][k] for k in range(start[v], new[v] + 1))


def test_backward_pass_does_not_push_a_cutover_past_its_freeze_window() -> None:
    # a one-day cut-over (task 0) may start on days 0-14 and from 40 on (a freeze window in between); its
    # successor (1) and a 50-day task of its own (2) make the plan 50 days long. Right-justified without
    # due days the cut-over crosses the window to day 48; with freeze_due it stays before it, on day 14.
    mask = bytearray(int(k < 15 or k >= 40) for k in range(100))
    p = Problem(dur=[1, 1, 50], preds=[[], [0], []], succs=[[1], [], []], order=[0, 1, 2], mask=[0, -1, -1],
                masks=[mask])
    start = [5, 6, 0]
    assert backward_pass(p, start) == backward_pass(p, start, [50, 50, 50]) == [48, 49, 0]
    assert backward_pass(p, start, freeze_due(p, start)) == [14, 49, 0]
    assert backward_pass(p, start, [3, 10, 50]) == [5, 9, 0]  # a task already past its due day stays put


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


def _every_threshold(items: list[tuple[int, int, int]], capacity: int) -> int:
    """energy_bound by its definition: every (head, tail) pair of thresholds, no grid."""
    best = 0
    for t in {h for h, _, _ in items}:
        for q in {x for _, _, x in items}:
            work = sum(w for h, w, x in items if h >= t and x >= q)
            if work:
                best = max(best, t + -(-work // capacity) + q)
    return best


@settings(max_examples=settings().max_examples * 3 // 5)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 9), st.integers(0, 30)), min_size=1, max_size=25),
       st.integers(1, 4))
def test_energy_bound_is_the_best_pair_of_thresholds(items: list[tuple[int, int, int]], capacity: int) -> None:
    assert energy_bound(items, capacity) == _every_threshold(items, capacity)


def test_energy_bound_by_hand_rounds_up_the_days_and_ignores_idle_thresholds() -> None:
    # 7 days of work for 2 teams take 4 days; the tail after the last of them adds its days
    assert energy_bound([(0, 3, 0), (0, 4, 2)], 2) == 4  # (0, 0): 0 + ceil(7 / 2) + 0; (0, 2): 0 + 2 + 2
    assert energy_bound([(0, 3, 0), (0, 5, 2)], 2) == 5  # (0, 2): 0 + ceil(5 / 2) + 2 = 5 > 0 + 4 + 0
    assert energy_bound([(2, 1, 0), (5, 3, 1)], 1) == 9  # (5, 1): 5 + 3 + 1
    assert energy_bound([(4, 6, 3)], 3) == 9


def test_energy_bound_beyond_the_grid_only_weakens() -> None:
    # 300 one-day tasks with heads 0..299, and a 50-day task that may start on day 298 with 5 days after it:
    # the pair (298, 5) gives 353, but 298 is not among the GRID thresholds kept (297 and 299 are), so the
    # bound falls back to the next threshold down, never above the definition and never below the plain bound
    items = [(h, 1, 0) for h in range(300)] + [(298, 50, 5)]
    assert len({h for h, _, _ in items}) > GRID
    assert _every_threshold(items, 1) == 353
    assert 350 <= energy_bound(items, 1) < 353


def test_horizon_bound_searches_up_from_lo_to_the_least_horizon_not_refuted() -> None:
    # a 3-day task then a 4-day one, no team: every horizon below 7 leaves the second a deadline before its
    # earliest finish; from 0 the search doubles (1, 2, 4, 8 …) then halves back to 7
    p = Problem(dur=[3, 4], preds=[[], [0]], succs=[[1], []], order=[0, 1])
    head = cpm(p).es
    assert latest_starts(p, 10) == [3, 6]
    assert [horizon_bound(p, head, lo) for lo in (0, 5, 6, 7, 9)] == [7, 7, 7, 7, 9]
    # one team for three 5-day tasks, each followed by a 2-day task of nobody's team: 15 days of work, then
    # the follower of the last, 17; the CPM alone says 7
    p = Problem(dur=[5, 5, 5, 2, 2, 2], preds=[[], [], [], [0], [1], [2]], succs=[[3], [4], [5], [], [], []],
                order=[0, 1, 2, 3, 4, 5], res=[0, 0, 0, -1, -1, -1], cap=[1])
    figures = cpm(p)
    assert figures.makespan == 7
    assert horizon_bound(p, figures.es, figures.makespan) == 17
    assert schedule(p, priority=figures.tail).makespan == 17


def test_horizon_bound_halves_in_whole_days_up_to_the_end_of_its_search() -> None:
    # one 30-day task searched from day 10: the doubling steps refute 11, 13, 17 and 25, then stop at the
    # search's end (10 + 10 // 2 + 16 = 31); halving between 25 and 31 (28, 29, 30) finds 30 in whole days
    p = Problem(dur=[30], preds=[[]], succs=[[]], order=[0])
    assert horizon_bound(p, [0], 10) == 30
    assert isinstance(horizon_bound(p, [0], 10), int)
    # a 40-day task: every horizon up to 31 is refuted, and the search stops there (a weaker bound, not 40)
    p = Problem(dur=[40], preds=[[]], succs=[[]], order=[0])
    assert horizon_bound(p, [0], 10) == 31


@settings(max_examples=settings().max_examples * 3 // 5)
@given(problems())
def test_horizon_bound_lies_between_the_cpm_and_any_feasible_schedule(p: Problem) -> None:
    figures = cpm(p)
    bound = horizon_bound(p, figures.es, figures.makespan)
    assert figures.makespan <= bound <= schedule(p, priority=figures.tail).makespan


def test_the_latest_start_rule_starts_a_cut_over_before_its_freeze_window() -> None:
    # one team (resource 1) for a 4-day cut-over (task 0: released on day 3, may not start on days 5-21, a freeze
    # window) and a 6-day task after a 2-day task of another team. The longest remaining path puts the 6-day task
    # first (days 4-9): the cut-over then misses day 4, its last day before the freeze, and waits for day 22. The
    # latest starts against the bound 13 give the cut-over day 4 at the latest: it goes first (days 3-6) and the
    # 6-day task follows (days 7-12), 13 days
    mask = bytearray(0 if 5 <= t < 22 else 1 for t in range(60))
    p = Problem(dur=[4, 2, 6], preds=[[], [], [1]], succs=[[], [2], []], order=[0, 1, 2], res=[1, 0, 1], cap=[1, 1],
                release=[3, 2, 0], mask=[0, -1, -1], masks=[mask])
    figures = cpm(p)
    assert (figures.tail, figures.makespan) == ([4, 8, 6], 10)
    assert horizon_bound(p, figures.es, figures.makespan) == 13
    assert latest_starts(p, 13) == [4, 5, 7]
    ruled = schedule(p, priority=figures.tail, bound=13)
    assert (ruled.start, ruled.makespan, ruled.greedy_makespan) == ([3, 2, 7], 13, 26)
    # without a bound the rule is not tried: the greedy schedule stays
    assert schedule(p, priority=figures.tail).start == [22, 2, 4]
