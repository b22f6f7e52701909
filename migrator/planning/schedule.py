"""CPM and capacity-aware list scheduling over integer-indexed arrays (no graph library in the hot loops).

Time is counted in business days; a task placed at ``s`` with duration ``d`` occupies days ``s .. s+d-1``
and finishes at the exclusive index ``s + d``. A task may carry a *mask* (1 = may start that day), used for
cut-overs that must avoid freeze windows; and a *resource* (a vendor, or the municipality's IT staff) with
a capacity of parallel tasks.
"""

from __future__ import annotations

import heapq
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

GRID = 256
"""Thresholds per side of :func:`energy_bound` (more distinct heads or tails are rounded down to them)."""


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
    slot_of: dict[int, tuple[int, ...]] = field(default_factory=dict)
    """Cut-over slots a task takes (a vendor's cut-overs per day, weekend or month): task → slot resources."""
    slot_cap: list[int] = field(default_factory=list)
    slot_period: list[Callable[[int], tuple[int, int]]] = field(default_factory=list)
    """Per slot resource: day → (first day of its period, first day of the next period)."""
    proj: list[int] = field(default_factory=list)
    """Migration project per task (-1 for none): a project holds one of its vendor's project slots from the
    start of its first task to the finish of its closing task (the cut-over)."""
    proj_res: list[int] = field(default_factory=list)
    """Project-slot resource per project."""
    proj_cap: list[int] = field(default_factory=list)
    proj_close: list[int] = field(default_factory=list)
    """The task that closes each project (its cut-over)."""

    def __post_init__(self) -> None:
        n = len(self.dur)
        self.res = self.res or [-1] * n
        self.release = self.release or [0] * n
        self.mask = self.mask or [-1] * n
        self.proj = self.proj or [-1] * n

    def position(self) -> list[int]:
        """Each task's place in ``order`` (computed once)."""
        cached = self.__dict__.get("_position")
        if cached is None:
            cached = [0] * self.n
            for i, v in enumerate(self.order):
                cached[v] = i
            self.__dict__["_position"] = cached
        return cached

    def with_links(self, links: Sequence[tuple[int, int]]) -> Problem:
        """The same problem with ``links`` as precedence edges instead of project slots.

        A list schedule puts the projects of a vendor in lanes (a slot holds one project after another);
        with those lanes as edges the improvement passes and the levelled float keep every project slot.
        """
        if not self.proj_close:
            return self
        preds = [list(x) for x in self.preds]
        succs = [list(x) for x in self.succs]
        for a, b in links:
            preds[b].append(a)
            succs[a].append(b)
        # A topological order with the lanes: the passes break ties of equal days by it.
        indeg = [len(x) for x in preds]
        order = [v for v in self.order if indeg[v] == 0]
        for v in order:
            for w in succs[v]:
                indeg[w] -= 1
                if indeg[w] == 0:
                    order.append(w)
        return Problem(dur=self.dur, preds=preds, succs=succs, order=order, res=self.res, cap=self.cap,
                       release=self.release, mask=self.mask, masks=self.masks, grow=self.grow, fixed=self.fixed,
                       slot_of=self.slot_of, slot_cap=self.slot_cap, slot_period=self.slot_period)

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

    def next_forbidden(self, m: int) -> list[int]:
        """Per day, the first day on or after it that mask ``m`` forbids (the mask's length when none is known
        yet); computed once per length of the mask."""
        cache: dict[int, list[int]] = self.__dict__.setdefault("_next_forbidden", {})
        mask = self.masks[m]
        row = cache.get(m)
        if row is None or len(row) != len(mask) + 1:
            row = [len(mask)] * (len(mask) + 1)
            for k in range(len(mask) - 1, -1, -1):
                row[k] = k if not mask[k] else row[k + 1]
            cache[m] = row
        return row

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


def latest_starts(p: Problem, horizon: int) -> list[int]:
    """The latest start of every task that still lets the plan finish by ``horizon`` (precedence, start masks;
    no capacity). Against a horizon near the bound this sees what the longest remaining path does not: a
    cut-over that misses its last day before a freeze window waits for the window's end."""
    ls = [0] * p.n
    fixed = p.fixed
    for v in reversed(p.order):
        f = horizon
        for w in p.succs[v]:
            if ls[w] < f and w not in fixed:  # a fact's start binds nothing before it
                f = ls[w]
        s = f - p.dur[v]
        if p.mask[v] >= 0:
            s = p.prev_allowed(p.mask[v], s)
        ls[v] = s
    return ls


def energy_bound(items: Sequence[tuple[int, int, int]], capacity: int) -> int:
    """A lower bound on the makespan from one resource: ``items`` are (head, work, tail) of its tasks.

    For every pair of thresholds (t, q), the tasks whose head is at least t and whose tail is at least q
    start on day t or later, need their work over the capacity in days, and the last of them to finish
    is followed by at least q days: the plan lasts at least t + ceil(work / capacity) + q. The maximum over
    the pairs (heads and tails as thresholds; beyond ``GRID`` distinct values, rounded down to as many, which
    only weakens it) — the single pair (earliest head, shortest tail) is the plain bound.
    """
    if not items:
        return 0
    arr = np.asarray(items, dtype=np.int64)
    heads, work, tails = arr[:, 0], arr[:, 1], arr[:, 2]
    ths = [np.unique(x) for x in (heads, tails)]
    ths = [u if len(u) <= GRID else np.unique(u[np.linspace(0, len(u) - 1, GRID).astype(np.int64)]) for u in ths]
    hi = np.searchsorted(ths[0], heads, side="right") - 1
    qi = np.searchsorted(ths[1], tails, side="right") - 1
    grid = np.zeros((len(ths[0]), len(ths[1])), dtype=np.int64)
    np.add.at(grid, (hi, qi), work)
    grid = grid[::-1].cumsum(axis=0)[::-1]
    grid = grid[:, ::-1].cumsum(axis=1)[:, ::-1]
    days = -(-grid // capacity)
    cand = np.where(grid > 0, ths[0][:, None] + days + ths[1][None, :], 0)
    return int(cand.max())


def horizon_bound(p: Problem, head: Sequence[int], lo: int) -> int:
    """The least horizon from ``lo`` on that no resource's energy refutes (a lower bound on the makespan).

    A horizon T gives every task a deadline, its latest finish by :func:`latest_starts` — freeze windows
    included, so a cut-over that cannot be done before a window must wait for its end. T is impossible when a
    task's deadline comes before its earliest finish (``head`` + duration), or when a resource's tasks that
    may start on day t or later and must finish by day d have more work than its capacity fits between
    the two (:func:`energy_bound` with d as T minus the tail). Deadlines only grow with T, so the least
    horizon not refuted is found by doubling steps, then halving.
    """

    def refuted(horizon: int) -> bool:
        late = latest_starts(p, horizon)
        items: list[list[tuple[int, int, int]]] = [[] for _ in p.cap]
        for v in range(p.n):
            if v in p.fixed or p.dur[v] <= 0:
                continue
            if late[v] < head[v]:
                return True
            if p.res[v] >= 0:
                items[p.res[v]].append((head[v], p.dur[v], horizon - late[v] - p.dur[v]))
        return any(energy_bound(items[r], p.cap[r]) > horizon for r in range(len(p.cap)))

    if not refuted(lo):
        return lo
    step, limit = 1, lo + lo // 2 + 16
    while lo + step < limit and refuted(lo + step):
        lo, step = lo + step, step * 2
    hi = min(lo + step, limit)  # refuted(lo), and hi not refuted (or the search's end)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if refuted(mid):
            lo = mid
        else:
            hi = mid
    return hi


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
        self.slots: list[dict[int, int]] = [{} for _ in p.slot_cap]
        """Cut-overs per period (keyed by the period's first day) per slot resource."""

    def slot_full(self, v: int, t: int) -> tuple[int, int] | None:
        """The period of a cut-over slot that is full on day ``t`` for task ``v``, or None."""
        for q in self.p.slot_of.get(v, ()):
            lo, hi = self.p.slot_period[q](t)
            if self.slots[q].get(lo, 0) >= self.p.slot_cap[q]:
                return lo, hi
        return None

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
        p = self.p
        r, d = p.res[v], p.dur[v]
        if p.slot_of and d and s >= 0:
            for q in p.slot_of.get(v, ()):
                lo = p.slot_period[q](s)[0]
                self.slots[q][lo] = self.slots[q].get(lo, 0) + 1
        if r < 0 or d == 0 or s + d <= 0:
            return
        row, c = self._row(r, s + d), p.cap[r]
        fwd, bwd = self.fwd[r], self.bwd[r]
        for k in range(s if s > 0 else 0, s + d):
            u = row[k] + 1
            row[k] = u
            if u == c:
                fwd[k] = k + 1
                bwd[k] = k - 1

    def overloads(self) -> list[tuple[int, int, int]]:
        """(resource, day, usage) of every day used beyond capacity."""
        return [(r, k, u) for r, row in enumerate(self.usage) for k, u in enumerate(row) if u > self.p.cap[r]]

    def slot_overloads(self) -> list[tuple[int, int, int]]:
        """(slot resource, first day of the period, cut-overs) of every period over its limit."""
        return [(q, lo, u) for q, row in enumerate(self.slots) for lo, u in sorted(row.items())
                if u > self.p.slot_cap[q]]

    def earliest(self, v: int, t: int) -> int:
        p = self.p
        d, r, m = p.dur[v], p.res[v], p.mask[v]
        while True:
            if m >= 0:
                t = p.next_allowed(m, t)
            if p.slot_of and t >= 0 and d and v in p.slot_of:
                full = self.slot_full(v, t)
                if full is not None:
                    t = full[1]
                    continue
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
            if p.slot_of and s >= 0 and d and v in p.slot_of:
                full = self.slot_full(v, s)
                if full is not None:
                    s = full[0] - 1
                    continue
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


@dataclass
class _Lane:
    end: int | None
    """Finish of the lane's last project; None while a project holds it."""
    close: int = -1
    """The closing task of the lane's last project (-1 before the first)."""


@dataclass(frozen=True)
class ListSchedule:
    start: list[int]
    links: list[tuple[int, int]]
    """Project lanes as edges: the closing task of a project → each task of the next project in its slot."""
    forced: dict[int, int]
    """Project-slot resource → projects admitted beyond its slots because dependencies left no other way."""


def serial_schedule(p: Problem, priority: Sequence[float]) -> list[int]:
    """List scheduling: repeatedly start the eligible task of highest priority as early as it fits."""
    return list_schedule(p, priority).start


def list_schedule(p: Problem, priority: Sequence[float]) -> ListSchedule:
    """List scheduling: repeatedly start the eligible task of highest priority as early as it fits.

    Facts are reserved first, so a re-plan never puts new work on a resource that facts already fill. A
    project takes a slot of its vendor when its first task is placed, not before the slot's previous
    project closed; with every slot held it waits until one closes. When dependencies between projects
    leave no project able to close, the waiting project of highest priority is admitted beyond the slots
    (``forced``).
    """
    n = p.n
    indeg = [len(x) for x in p.preds]
    heap = [(-priority[v], v) for v in range(n) if indeg[v] == 0]
    heapq.heapify(heap)
    start, finish = [0] * n, [0] * n
    prof = _Profile(p)
    _reserve_facts(p, prof, start)
    proj, close = p.proj, p.proj_close
    admitted: list[int | None] = [None] * len(close)
    lane_of: list[_Lane | None] = [None] * len(close)
    lanes: list[list[_Lane]] = [[] for _ in p.proj_cap]
    waiting: list[list[int]] = [[] for _ in p.proj_cap]
    members: dict[int, list[int]] = defaultdict(list)
    links: list[tuple[int, int]] = []
    forced: dict[int, int] = {}
    if close:
        for v in range(n):
            if proj[v] >= 0:
                members[proj[v]].append(v)
        # Projects with facts hold their slot from their first fact on.
        facts: dict[int, int] = {}
        for v, s in p.fixed.items():
            if proj[v] >= 0:
                facts[proj[v]] = min(s, facts.get(proj[v], s))
        for pid, s in sorted(facts.items(), key=lambda x: (x[1], x[0])):
            r = p.proj_res[pid]
            if len(lanes[r]) >= p.proj_cap[r]:
                forced[r] = forced.get(r, 0) + 1
            lane = _Lane(end=None)
            lanes[r].append(lane)
            admitted[pid], lane_of[pid] = s, lane

    def admit(pid: int, t0: int, force: bool = False) -> bool:
        r = p.proj_res[pid]
        own = lanes[r]
        if len(own) < p.proj_cap[r] or force:
            if force:
                forced[r] = forced.get(r, 0) + 1
            own.append(_Lane(end=t0))
        free = [ln for ln in own if ln.end is not None]
        if not free:
            return False
        fit = [ln for ln in free if ln.end is not None and ln.end <= t0]
        lane = max(fit, key=lambda ln: ln.end or 0) if fit else min(free, key=lambda ln: ln.end or 0)
        assert lane.end is not None
        admitted[pid], lane_of[pid] = max(t0, lane.end), lane
        if lane.close >= 0:
            links.extend((lane.close, w) for w in members[pid])
        lane.end = None
        return True

    while heap or any(waiting):
        if not heap:  # every open project waits for one that waits: admit beyond the slots
            r = next(r for r, w in enumerate(waiting) if w)
            v = max(waiting[r], key=lambda x: (priority[x], -x))
            waiting[r].remove(v)
            t = max([p.release[v], *(finish[u] for u in p.preds[v])])
            admit(proj[v], t, force=True)
            heapq.heappush(heap, (-priority[v], v))
            continue
        _, v = heapq.heappop(heap)
        pid = proj[v]
        if v in p.fixed:
            s = p.fixed[v]
        else:
            t = p.release[v]
            for u in p.preds[v]:
                if finish[u] > t:
                    t = finish[u]
            if pid >= 0:
                a = admitted[pid]
                if a is None:
                    if not admit(pid, t):
                        waiting[p.proj_res[pid]].append(v)
                        continue
                    a = admitted[pid]
                    assert a is not None
                if a > t:
                    t = a
            s = prof.earliest(v, t)
            prof.place(v, s)
        start[v], finish[v] = s, s + p.dur[v]
        if pid >= 0 and close[pid] == v:
            held = lane_of[pid]
            if held is not None:
                held.end, held.close = finish[v], v
            r = p.proj_res[pid]
            for w in waiting[r]:
                heapq.heappush(heap, (-priority[w], w))
            waiting[r].clear()
        for w in p.succs[v]:
            indeg[w] -= 1
            if indeg[w] == 0:
                heapq.heappush(heap, (-priority[w], w))
    return ListSchedule(start=start, links=links, forced=forced)


def _makespan(p: Problem, start: Sequence[int]) -> int:
    return max((s + d for s, d in zip(start, p.dur, strict=True)), default=0)


def _by_finish(p: Problem, start: Sequence[int]) -> list[int]:
    """Tasks latest finish first; ties in reverse topological order."""
    pos, dur = p.position(), p.dur
    return sorted(range(p.n), key=lambda v: (-(start[v] + dur[v]), -pos[v]))


def backward_pass(p: Problem, start: Sequence[int], due: Sequence[int] | None = None) -> list[int] | None:
    """Right-justify ``start``: every task as late as it fits before its successors and the makespan.

    With ``due`` (an exclusive finish per task, e.g. :func:`freeze_due`), a task that finishes by its due day
    in ``start`` is not moved past it. Placed latest finish first, each task still finds its own place of
    ``start`` free, so a due day never leaves a task without a place.
    """
    n = p.n
    makespan = _makespan(p, start)
    order = _by_finish(p, start)
    prof = _Profile(p)
    new = [0] * n
    _reserve_facts(p, prof, new)
    for v in order:
        if v in p.fixed:
            continue
        f = makespan
        if due is not None and due[v] < f:
            f = max(due[v], start[v] + p.dur[v])
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
    order = _by_finish(p, start)
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
    pos = p.position()
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
    links: list[tuple[int, int]] = field(default_factory=list)
    """Project lanes of the kept schedule as edges (see :meth:`Problem.with_links`)."""
    forced: dict[int, int] = field(default_factory=dict)
    """Project-slot resource → projects admitted beyond its slots (dependencies left no other order)."""


def freeze_due(p: Problem, start: Sequence[int]) -> list[int]:
    """Due days for :func:`backward_pass` that keep each task with a start mask (a cut-over) of ``start``
    before the next day its mask forbids (a freeze window): pushed past the window it would wait for the
    window's end, and hold its successors with it. Other tasks get a day past any finish."""
    free = 1 << 40
    due = [free] * p.n
    for v, m in enumerate(p.mask):
        if m < 0 or v in p.fixed:
            continue
        row, s = p.next_forbidden(m), start[v]
        if 0 <= s < len(row) - 1 and row[s] < len(row) - 1:
            due[v] = row[s] - 1 + p.dur[v]
    return due


def _waits_out_window(p: Problem, start: Sequence[int], late: Sequence[int]) -> bool:
    """Whether a task with a start mask (a cut-over) of ``start`` starts after a day its mask forbids that
    comes after its latest start ``late``: it waits out a freeze window it would have to be before."""
    for v, m in enumerate(p.mask):
        if m >= 0 and v not in p.fixed and 0 <= late[v] < start[v]:
            row = p.next_forbidden(m)
            if late[v] < len(row) - 1 and row[late[v]] < start[v]:
                return True
    return False


def _improve(p: Problem, start: list[int], passes: int, freeze: bool = False) -> tuple[list[int], int, int]:
    """Forward–backward passes while they shorten the makespan: (schedule, makespan, passes done).

    With ``freeze`` the backward passes keep each cut-over before the freeze window that follows it (see
    :func:`freeze_due`); a forward pass in order of start moves no task later, so the result keeps them.
    """
    best, best_ms, done = start, _makespan(p, start), 0
    for _ in range(passes):
        back = backward_pass(p, best, freeze_due(p, best) if freeze else None)
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


def schedule(p: Problem, *, priority: Sequence[float], passes: int = 3, restarts: int = 0,
             seed: int = 7, bound: int = 0) -> Schedule:
    """Greedy list schedule improved by forward–backward passes while they shorten the makespan.

    A second priority rule follows — the earliest latest start (see :func:`latest_starts`) against horizons
    just below the best makespan, halfway to ``bound`` and at ``bound``, the longest remaining path breaking
    ties — and its schedule is kept when shorter. Its schedules are improved when they are at most a day
    longer than the best; with ``restarts``, also the first far longer one against a horizon halfway to the
    bound or at it when a cut-over of the best schedule waits out a freeze window that its latest start comes
    before, by passes that keep its cut-overs before their freeze windows (ordered by latest starts, such a
    schedule can start far longer and end shorter).
    With ``restarts``, as many more list schedules run, each improved by the passes: one in four (the
    first) samples the first rule with the priorities randomly raised by up to half, which breaks the ties
    of systems alike; the others search around the best schedule found (its start days as the priority,
    shaken by up to an eighth, a twentieth or a fortieth of its length in turn, so that neighbouring tasks
    change places; a schedule as short as the best becomes the new centre). Seeded: the same inputs give
    the same plan. A rule that ignores resources loses most where a scarce resource (a municipality's
    staff, a small vendor) should start its long chains first; the search finds such orders. The passes keep the project lanes of their list schedule as
    edges, so they never break a project slot. A schedule that reaches ``bound`` (a proven lower bound) is
    optimal: nothing more is tried.
    """
    first = list_schedule(p, priority)
    greedy = first.start
    kept = first
    if _makespan(p, greedy) <= bound and not first.forced:
        return Schedule(start=greedy, makespan=_makespan(p, greedy), greedy_makespan=_makespan(p, greedy), passes=0,
                        links=first.links, forced=first.forced)
    best, best_ms, done = _improve(p.with_links(first.links), greedy, passes)
    scale = 1 + max(priority, default=0)
    far = restarts > 0
    for step in range(3 if bound > 0 else 0):
        # Horizons just below the best makespan, halfway to the bound, and the bound: too tight a horizon
        # makes every task urgent, too loose one none.
        horizon = (best_ms - 1, (best_ms + bound) // 2, bound)[step]
        if best_ms <= bound or (step and horizon >= best_ms - 1):
            break
        late = latest_starts(p, horizon)
        cand = list_schedule(p, [priority[v] - scale * late[v] for v in range(p.n)])
        # One candidate far longer than the best, against a horizon halfway to the bound or at it, is improved
        # too when the plan is small enough for restarts and a cut-over of the best waits out a freeze window
        # that its latest start comes before: the candidate keeps such cut-overs before their windows, and
        # may start longer and end shorter.
        near = _makespan(p, cand.start) <= best_ms + 1
        reach = not near and step and far and _waits_out_window(p, best, late)
        if sum(cand.forced.values()) <= sum(kept.forced.values()) and (near or reach):
            far = far and near
            start, ms, k = _improve(p.with_links(cand.links), cand.start, passes, freeze=not near)
            if ms < best_ms:
                best, best_ms, done, kept = start, ms, k, cand
    rng = random.Random(seed)
    for k in range(restarts):
        if best_ms <= bound:
            break
        if k % 4 == 0:
            noisy = [x * (1 + 0.5 * rng.random()) for x in priority]
        else:
            amp = max(1.0, best_ms / (8, 20, 40)[k % 3])
            noisy = [-(b + amp * rng.random()) for b in best]
        cand = list_schedule(p, noisy)
        if sum(cand.forced.values()) > sum(kept.forced.values()):
            continue
        start, ms, n_passes = _improve(p.with_links(cand.links), cand.start, passes)
        if ms <= best_ms:
            if ms < best_ms:
                done = n_passes
            best, best_ms, kept = start, ms, cand
    return Schedule(start=best, makespan=best_ms, greedy_makespan=_makespan(p, greedy), passes=done,
                    links=kept.links, forced=kept.forced)


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
    slots: dict[tuple[int, int], int] = {}
    for v, qs in p.slot_of.items():
        if p.dur[v] and start[v] >= 0:
            for q in qs:
                key = (q, p.slot_period[q](start[v])[0])
                slots[key] = slots.get(key, 0) + 1
    for (q, lo), used in sorted(slots.items()):
        if used > p.slot_cap[q]:
            out.append(f"cut-over slot {q} has {used} cut-overs in the period from day {lo}, limit {p.slot_cap[q]}")
    out.extend(project_overloads(p, start))
    return out


def project_spans(p: Problem, start: Sequence[int]) -> dict[int, tuple[int, int]]:
    """Project → (first day, exclusive finish): from its first task's start to its closing task's finish."""
    first: dict[int, int] = {}
    for v, pid in enumerate(p.proj):
        if pid >= 0 and (pid not in first or start[v] < first[pid]):
            first[pid] = start[v]
    return {pid: (a, start[p.proj_close[pid]] + p.dur[p.proj_close[pid]]) for pid, a in first.items()}


def project_overloads(p: Problem, start: Sequence[int]) -> list[str]:
    """Days on which a vendor holds more projects open than its project slots."""
    out: list[str] = []
    events: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pid, (a, b) in project_spans(p, start).items():
        events[p.proj_res[pid]] += [(a, 1), (b, -1)]
    for r, ev in sorted(events.items()):
        open_ = 0
        for day, delta in sorted(ev):
            open_ += delta
            if open_ > p.proj_cap[r]:
                out.append(f"project slots {r} hold {open_} projects on day {day}, limit {p.proj_cap[r]}")
    return out
