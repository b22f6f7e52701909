"""What ``violations`` says is wrong with a schedule: each rule on a hand-made problem."""

from __future__ import annotations

from migrator.planning.schedule import Problem, violations


def test_capacity_counts_every_task_with_a_resource_after_one_without() -> None:
    # task 0 uses no resource (a municipality's own work); tasks 1 and 2 share resource 0 of capacity 1
    p = Problem(dur=[2, 1, 2], preds=[[], [], []], succs=[[], [], []], order=[0, 1, 2], res=[-1, 0, 0], cap=[1])
    assert violations(p, [0, 0, 0]) == ["resource 0 runs 2 tasks on day 0, capacity 1"]
    assert violations(p, [0, 0, 1]) == []
    assert violations(p, [0, 1, 0]) == ["resource 0 runs 2 tasks on day 1, capacity 1"]


def test_precedence_release_and_mask_are_each_named() -> None:
    p = Problem(dur=[2, 1], preds=[[], [0]], succs=[[1], []], order=[0, 1], release=[0, 3], mask=[-1, 0],
                masks=[bytearray([1, 1, 1, 1, 0, 1])])
    assert violations(p, [0, 2]) == ["task 1 starts at 2 before its release 3"]
    assert violations(p, [0, 1]) == ["task 1 starts at 1 before its predecessor 0 finishes",
                                     "task 1 starts at 1 before its release 3"]
    assert violations(p, [0, 4]) == ["task 1 starts at 4, a day its mask forbids"]
    assert violations(p, [0, 5]) == []
    fixed = Problem(dur=[2, 1], preds=[[], [0]], succs=[[1], []], order=[0, 1], fixed={1: 1})
    assert violations(fixed, [0, 1]) == []  # a fixed task is a fact, not a choice


def test_cut_over_slots_count_the_cut_overs_of_one_period_not_milestones() -> None:
    # one cut-over slot per 5-day period; a zero-day milestone takes none
    p = Problem(dur=[1, 0, 1], preds=[[], [], []], succs=[[], [], []], order=[0, 1, 2],
                slot_of={0: (0,), 1: (0,), 2: (0,)}, slot_cap=[1],
                slot_period=[lambda day: (day - day % 5, day - day % 5 + 5)])
    assert violations(p, [1, 2, 5]) == []
    assert violations(p, [1, 2, 4]) == ["cut-over slot 0 has 2 cut-overs in the period from day 0, limit 1"]
