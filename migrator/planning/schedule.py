"""CPM and capacity-aware list scheduling over integer-indexed arrays (no graph library in the hot loops).

Time is counted in business days; a task placed at ``s`` with duration ``d`` occupies days ``s .. s+d-1``
and finishes at the exclusive index ``s + d``. A task may carry a *mask* (1 = may start that day), used for
cut-overs that must avoid freeze windows; and a *resource* (a vendor, or the municipality's IT staff) with
a capacity of parallel tasks.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass
class Problem:
    """A scheduling instance. ``order`` is a topological order of the tasks."""

    dur: list[int]
    preds: list[list[int]]
    succs: list[list[int]]
    order: list[int]
    res: list[int] = field(default_factory=list)
    """Resource index per task, -1 when the task uses none."""
    cap: list[int] = field(default_factory=list)
    release: list[int] = field(default_factory=list)
    mask: list[int] = field(default_factory=list)
    """Mask index per task (into ``masks``), -1 when it may start any business day."""
    masks: list[bytearray] = field(default_factory=list)
    grow: Callable[[int], None] | None = None
    """Extends every mask to at least the given length (the calendar grows them)."""
    fixed: dict[int, int] = field(default_factory=dict)
    """Tasks whose start is a fact (finished or running work): task → start."""

    def __post_init__(self) -> None:
        n = len(self.dur)
        self.res = self.res or [-1] * n
        self.release = self.release or [0] * n
        self.mask = self.mask or [-1] * n

    @property
    def n(self) -> int:
        return len(self.dur)

    def next_allowed(self, m: int, t: int) -> int:
        mask = self.masks[m]
        while True:
            if t >= len(mask):
                if self.grow is None:
                    return t
                self.grow(t + t // 4 + 64)  # raises once the calendar's horizon is reached
                continue
            if t < 0 or mask[t]:
                return t
            t += 1

    def prev_allowed(self, m: int, t: int) -> int:
        mask = self.masks[m]
        if t >= len(mask) and self.grow is not None:
            self.grow(t + t // 4 + 64)
        while t >= 0 and not mask[t]:
            t -= 1
        return t


@dataclass(frozen=True)
class Cpm:
    """Critical path figures on the unconstrained graph (no capacity)."""

    es: list[int]
    ef: list[int]
    ls: list[int]
    lf: list[int]
    tail: list[int]
    """Longest path from the task's start to the end of the project (its list-scheduling priority)."""
    makespan: int

    @property
    def total_float(self) -> list[int]:
        return [b - a for a, b in zip(self.es, self.ls, strict=True)]


def cpm(p: Problem) -> Cpm:
    """Earliest and latest start/finish of every task, with masks and release days respected."""
    n = p.n
    dur, preds, succs, mask = p.dur, p.preds, p.succs, p.mask
    es, ef = [0] * n, [0] * n
    for v in p.order:
        if v in p.fixed:
            t = p.fixed[v]
        else:
            t = p.release[v]
            for u in preds[v]:
                if ef[u] > t:
                    t = ef[u]
            if mask[v] >= 0:
                t = p.next_allowed(mask[v], t)
        es[v], ef[v] = t, t + dur[v]
    makespan = max(ef, default=0)
    ls, lf, tail = [0] * n, [0] * n, [0] * n
    for v in reversed(p.order):
        f, longest = makespan, 0
        for s in succs[v]:
            if ls[s] < f:
                f = ls[s]
            if tail[s] > longest:
                longest = tail[s]
        tail[v] = dur[v] + longest
        if v in p.fixed:
            s0 = p.fixed[v]
        else:
            s0 = f - dur[v]
            if mask[v] >= 0:
                s0 = p.prev_allowed(mask[v], s0)
        ls[v], lf[v] = s0, s0 + dur[v]
    return Cpm(es=es, ef=ef, ls=ls, lf=lf, tail=tail, makespan=makespan)


class _Profile:
    """Per-resource usage per day, with the saturated days skipped in amortised O(1).

    Usage only grows while a schedule is built, so a day that is full stays full: a union–find over days
    (``_fwd`` to the next day that is not full, ``_bwd`` to the previous one) jumps over a saturated stretch
    at once, however long it is. That keeps the time per task flat when a vendor's capacity is fixed and the
    plan grows. Only the ``d`` days of one candidate window are ever read one by one.
    """

    def __init__(self, p: Problem) -> None:
        self.p = p
        self.usage: list[list[int]] = [[] for _ in p.cap]
        self.fwd: list[list[int]] = [[] for _ in p.cap]
        self.bwd: list[list[int]] = [[] for _ in p.cap]

    def _row(self, r: int, upto: int) -> list[int]:
        row = self.usage[r]
        if len(row) < upto + 1:
            old, new = len(row), upto + 1 + max(256, len(row))
            row.extend([0] * (new - old))
            self.fwd[r].extend(range(old, new))
            self.bwd[r].extend(range(old, new))
        return row

    def _next_free(self, r: int, t: int) -> int:
        """The first day ≥ ``t`` on which resource ``r`` is not full."""
        self._row(r, t)
        nxt = self.fwd[r]
        root = t
        while nxt[root] != root:
            root = nxt[root]
            if root >= len(nxt) - 1:
                self._row(r, root + 1)
                nxt = self.fwd[r]
        while nxt[t] != root:
            nxt[t], t = root, nxt[t]
        return root

    def _prev_free(self, r: int, t: int) -> int:
        """The last day ≤ ``t`` on which resource ``r`` is not full (-1 when none)."""
        if t < 0:
            return t
        self._row(r, t)
        prv = self.bwd[r]
        root = t
        while root >= 0 and prv[root] != root:
            root = prv[root]
        while t >= 0 and prv[t] != root:
            prv[t], t = root, prv[t]
        return root

    def place(self, v: int, s: int) -> None:
        r, d = self.p.res[v], self.p.dur[v]
        if r < 0 or d == 0 or s + d <= 0:
            return
        row, c = self._row(r, s + d), self.p.cap[r]
        for k in range(max(s, 0), s + d):
            row[k] += 1
            if row[k] == c:
                self.fwd[r][k] = k + 1
                self.bwd[r][k] = k - 1

    def overloads(self) -> list[tuple[int, int, int]]:
        """(resource, day, usage) of every day used beyond capacity."""
        return [(r, k, u) for r, row in enumerate(self.usage) for k, u in enumerate(row) if u > self.p.cap[r]]

    def earliest(self, v: int, t: int) -> int:
        p = self.p
        d, r, m = p.dur[v], p.res[v], p.mask[v]
        while True:
            if m >= 0:
                t = p.next_allowed(m, t)
            if r < 0 or d == 0:
                return t
            free = self._next_free(r, t)
            if free != t:
                t = free
                continue
            row, c = self._row(r, t + d), p.cap[r]
            seg = row[t:t + d]
            if max(seg) < c:
                return t
            k = d - 1
            while seg[k] < c:
                k -= 1
            t += k + 1

    def latest(self, v: int, f: int) -> int | None:
        """Latest start with finish ≤ ``f``, or None when none exists at or after the release day."""
        p = self.p
        d, r, m = p.dur[v], p.res[v], p.mask[v]
        s = f - d
        while True:
            if m >= 0:
                s = p.prev_allowed(m, s)
            if s < p.release[v]:
                return None
            if r < 0 or d == 0:
                return s
            last = s + d - 1
            free = self._prev_free(r, last)
            if free != last:
                s = free - d + 1
                continue
            row, c = self._row(r, s + d), p.cap[r]
            seg = row[s:s + d]
            if max(seg) < c:
                return s
            k = 0
            while seg[k] < c:
                k += 1
            s = s + k - d


def _reserve_facts(p: Problem, prof: _Profile, start: list[int]) -> None:
    """Finished and running work holds its resources before anything else is placed."""
    for v, s in p.fixed.items():
        prof.place(v, s)
        start[v] = s


def fact_overloads(p: Problem) -> list[tuple[int, int, int]]:
    """(resource, day, usage) where the facts alone (finished and running work) exceed a capacity."""
    prof = _Profile(p)
    _reserve_facts(p, prof, [0] * p.n)
    return prof.overloads()


def serial_schedule(p: Problem, priority: Sequence[float]) -> list[int]:
    """List scheduling: repeatedly start the eligible task of highest priority as early as it fits.

    Facts are reserved first, so a re-plan never puts new work on a resource that facts already fill.
    """
    n = p.n
    indeg = [len(x) for x in p.preds]
    heap = [(-priority[v], v) for v in range(n) if indeg[v] == 0]
    heapq.heapify(heap)
    start, finish = [0] * n, [0] * n
    prof = _Profile(p)
    _reserve_facts(p, prof, start)
    while heap:
        _, v = heapq.heappop(heap)
        if v in p.fixed:
            s = p.fixed[v]
        else:
            t = p.release[v]
            for u in p.preds[v]:
                if finish[u] > t:
                    t = finish[u]
            s = prof.earliest(v, t)
            prof.place(v, s)
        start[v], finish[v] = s, s + p.dur[v]
        for w in p.succs[v]:
            indeg[w] -= 1
            if indeg[w] == 0:
                heapq.heappush(heap, (-priority[w], w))
    return start


def _makespan(p: Problem, start: Sequence[int]) -> int:
    return max((s + d for s, d in zip(start, p.dur, strict=True)), default=0)


def backward_pass(p: Problem, start: Sequence[int]) -> list[int] | None:
    """Right-justify ``start``: every task as late as it fits before its successors and the makespan."""
    n, dur = p.n, p.dur
    makespan = _makespan(p, start)
    pos = {v: i for i, v in enumerate(p.order)}
    order = sorted(range(n), key=lambda v: (-(start[v] + dur[v]), -pos[v]))
    prof = _Profile(p)
    new = [0] * n
    _reserve_facts(p, prof, new)
    for v in order:
        if v in p.fixed:
            continue
        f = makespan
        for w in p.succs[v]:
            if new[w] < f:
                f = new[w]
        s2 = prof.latest(v, f)
        if s2 is None:
            return None
        prof.place(v, s2)
        new[v] = s2
    return new


def levelled_float(p: Problem, start: Sequence[int], limit: Sequence[int | None]) -> list[int]:
    """How many business days each task can slip in the levelled schedule ``start``, resources included.

    Every task is pushed as late as it fits — in order of its finish, latest first, against the resources
    of the tasks already pushed — without moving the finish of the plan, its successors, or past its
    ``limit`` (an exclusive finish index, e.g. a cut-over's deadline). Facts do not move (float 0). A
    float of 0 marks the chain of work and resource links that holds the finish or a limit.
    """
    n, dur = p.n, p.dur
    makespan = _makespan(p, start)
    pos = {v: i for i, v in enumerate(p.order)}
    order = sorted(range(n), key=lambda v: (-(start[v] + dur[v]), -pos[v]))
    prof = _Profile(p)
    late = list(start)
    _reserve_facts(p, prof, late)
    for v in order:
        if v in p.fixed:
            continue
        f = makespan
        cap = limit[v]
        if cap is not None and cap < f:
            f = max(cap, start[v] + dur[v])
        for w in p.succs[v]:
            if late[w] < f:
                f = late[w]
        s2 = prof.latest(v, f) if f > start[v] + dur[v] else None
        s2 = start[v] if s2 is None or s2 < start[v] else s2
        prof.place(v, s2)
        late[v] = s2
    return [late[v] - start[v] for v in range(n)]


def forward_pass(p: Problem, start: Sequence[int]) -> list[int]:
    """Left-justify ``start``: every task, in order of its start, as early as it fits after its predecessors."""
    pos = {v: i for i, v in enumerate(p.order)}
    order = sorted(range(p.n), key=lambda v: (start[v], pos[v]))
    prof = _Profile(p)
    new = [0] * p.n
    _reserve_facts(p, prof, new)
    for v in order:
        if v in p.fixed:
            continue
        t = p.release[v]
        for u in p.preds[v]:
            f = new[u] + p.dur[u]
            if f > t:
                t = f
        s2 = prof.earliest(v, t)
        prof.place(v, s2)
        new[v] = s2
    return new


@dataclass(frozen=True)
class Schedule:
    start: list[int]
    makespan: int
    greedy_makespan: int
    passes: int


def _improve(p: Problem, start: list[int], passes: int) -> tuple[list[int], int, int]:
    """Forward–backward passes while they shorten the makespan: (schedule, makespan, passes done)."""
    best, best_ms, done = start, _makespan(p, start), 0
    for _ in range(passes):
        back = backward_pass(p, best)
        if back is None:
            break
        fwd = forward_pass(p, back)
        done += 1
        ms = _makespan(p, fwd)
        if ms >= best_ms:
            if ms == best_ms:
                best = fwd
            break
        best, best_ms = fwd, ms
    return best, best_ms, done


def schedule(p: Problem, *, priority: Sequence[int], passes: int = 3, restarts: int = 0,
             seed: int = 7) -> Schedule:
    """Greedy list schedule improved by forward–backward passes while they shorten the makespan.

    With ``restarts``, as many more list schedules run with the priorities randomly raised by up to half
    (biased random sampling, seeded: the same inputs give the same plan), and the shortest one is kept. A
    priority rule that ignores resources loses most where a scarce resource (a municipality's staff, a
    small vendor) should start its long chains first; the samples find such orders.
    """
    greedy = serial_schedule(p, priority)
    best, best_ms, done = _improve(p, greedy, passes)
    rng = random.Random(seed)
    for _ in range(restarts):
        noisy = [x * (1 + 0.5 * rng.random()) for x in priority]
        cand = serial_schedule(p, noisy)
        # Improvement passes only for a sample that is already as short as the best: they cost two schedules.
        if _makespan(p, cand) <= best_ms:
            cand, ms, k = _improve(p, cand, passes)
            if ms < best_ms:
                best, best_ms, done = cand, ms, k
    return Schedule(start=best, makespan=best_ms, greedy_makespan=_makespan(p, greedy), passes=done)


def violations(p: Problem, start: Sequence[int]) -> list[str]:
    """What is wrong with ``start`` (precedence, capacity, masks, release days); empty when it is feasible."""
    out: list[str] = []
    for v in range(p.n):
        if v in p.fixed:
            continue
        for u in p.preds[v]:
            if start[u] + p.dur[u] > start[v]:
                out.append(f"task {v} starts at {start[v]} before its predecessor {u} finishes")
        if start[v] < p.release[v]:
            out.append(f"task {v} starts at {start[v]} before its release {p.release[v]}")
        if p.mask[v] >= 0 and not p.masks[p.mask[v]][start[v]]:
            out.append(f"task {v} starts at {start[v]}, a day its mask forbids")
    load: dict[tuple[int, int], int] = {}
    for v in range(p.n):
        r = p.res[v]
        if r < 0:
            continue
        for k in range(start[v], start[v] + p.dur[v]):
            load[(r, k)] = load.get((r, k), 0) + 1
    for (r, k), used in sorted(load.items()):
        if used > p.cap[r]:
            out.append(f"resource {r} runs {used} tasks on day {k}, capacity {p.cap[r]}")
    return out
