"""The Japanese business calendar of a plan: public holidays, 年末年始, fiscal years and freeze windows.

Work is counted in business days from the plan start: index 0 is the first business day on or after the
start date. Public holidays come from ``jpholiday`` (a maintained package, no network at run time).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools

import jpholiday

from migrator import limits
from migrator.errors import PlanError
from migrator.planning.config import CalendarSettings, FreezeWindow

ONE_DAY = dt.timedelta(days=1)


@functools.cache
def _holidays(year: int) -> frozenset[dt.date]:
    """Public holidays of one year. jpholiday takes about a millisecond a day, so each year is asked once
    per process, not once per day and calendar."""
    return frozenset(d for d, _ in jpholiday.year_holidays(year))


class BusinessCalendar:
    """Business days from ``start`` on, grown on demand, with freeze windows per business area."""

    def __init__(self, start: dt.date, settings: CalendarSettings | None = None) -> None:
        self.start = start
        self.settings = settings or CalendarSettings()
        self._days: list[dt.date] = []
        self._next = start
        self._masks: dict[tuple[str, str, int], bytearray] = {}
        self._frozen: dict[tuple[str, int, int], FreezeWindow | None] = {}
        years = limits.current().plan_horizon_years
        try:  # the whole horizon, and a year of holidays past it, must be days of the calendar
            start + dt.timedelta(days=(years + 1) * 366)
        except OverflowError:
            raise PlanError.of("PLN052", None, start=start.isoformat(), years=years) from None
        self.extend(256)

    # --- days -------------------------------------------------------------------------------------------
    def is_year_end(self, day: dt.date) -> bool:
        (m1, d1), (m2, d2) = self.settings.year_end
        md = (day.month, day.day)
        if (m1, d1) <= (m2, d2):
            return (m1, d1) <= md <= (m2, d2)
        return md >= (m1, d1) or md <= (m2, d2)

    def is_business_day(self, day: dt.date) -> bool:
        """Monday to Friday, not a public holiday, not 年末年始."""
        if day.weekday() >= 5 or self.is_year_end(day):
            return False
        # One jpholiday call per year: asking day by day costs milliseconds a day far in the future.
        return day not in _holidays(day.year)

    def extend(self, n: int) -> None:
        """Make sure indices ``0 .. n-1`` are known, as far as the planning horizon reaches.

        Raises:
            PlanError: no more business day lies within the horizon (a 年末年始 or freeze windows covering
                the whole year, a start too near the end of the calendar): PLN051 / PLN052.
        """
        years = limits.current().plan_horizon_years
        before = len(self._days)
        while len(self._days) < n:
            if (self._next - self.start).days > years * 366:
                if len(self._days) == before:
                    raise PlanError.of("PLN051", None, years=years, start=self.start.isoformat(), task="",
                                       task_ja="", how=limits.how_to_raise("plan_horizon_years"))
                break
            if self.is_business_day(self._next):
                self._days.append(self._next)
            try:
                self._next += ONE_DAY
            except OverflowError:
                raise PlanError.of("PLN052", None, start=self.start.isoformat(), years=years) from None
        for (area, window, days), mask in self._masks.items():
            self._fill_mask(area, window, days, mask)

    def __len__(self) -> int:
        return len(self._days)

    def day(self, index: int) -> dt.date:
        """The business day of ``index`` (≥ 0)."""
        while index >= len(self._days):  # the second round raises when the horizon is reached
            self.extend(max(index + 1, len(self._days) + len(self._days) // 4 + 64))
        return self._days[index]

    def index(self, day: dt.date) -> int:
        """Index of the first business day on or after ``day``; negative for days before the start."""
        if day < self.start:
            count, d = 0, day
            while d < self.start:
                count += self.is_business_day(d)
                d += ONE_DAY
            return -count
        while self._days[-1] < day:
            self.extend(len(self._days) + len(self._days) // 4 + 64)
        return bisect.bisect_left(self._days, day)

    def due_index(self, deadline: dt.date) -> int:
        """The largest exclusive finish index whose last day is on or before ``deadline``."""
        return self.index(deadline + ONE_DAY)

    def finish_date(self, finish: int) -> dt.date:
        """Calendar date of the last working day of a task that ends at exclusive index ``finish``."""
        return self.day(finish - 1) if finish > 0 else self.start - ONE_DAY

    def fiscal_year(self, day: dt.date) -> int:
        """Japanese fiscal year (年度) of ``day``: FY2025 runs from 2025-04-01 to 2026-03-31."""
        return day.year if (day.month, day.day) >= self.settings.fiscal_year_start else day.year - 1

    # --- freeze windows and cut-over days ----------------------------------------------------------------
    def freeze_window(self, area: str, day: dt.date) -> FreezeWindow | None:
        """The freeze window of ``area`` that contains ``day``, if any."""
        key = (area, day.month, day.day)
        if key not in self._frozen:
            self._frozen[key] = next(
                (w for w in self.settings.freeze_windows if area in w.areas and w.contains(day.month, day.day)), None)
        return self._frozen[key]

    def cutover_allowed(self, area: str, window: str, index: int) -> bool:
        """May a cut-over of ``area`` start on business day ``index``?

        Never in a freeze window of the area; with ``window == "weekend"`` only on the first business day
        after a weekend or long weekend (the cut-over runs over those days, none of which may be frozen).
        """
        day = self.day(index)
        if self.freeze_window(area, day) is not None:
            return False
        if window != "weekend":
            return True
        prev = day - ONE_DAY
        if self.is_business_day(prev):
            return False
        while not self.is_business_day(prev):
            if self.freeze_window(area, prev) is not None:
                return False
            prev -= ONE_DAY
        return True

    def cutover_gap(self, index: int) -> tuple[dt.date, dt.date] | None:
        """The non-business days right before business day ``index`` (a weekend cut-over window)."""
        day = self.day(index)
        first = day - ONE_DAY
        if self.is_business_day(first):
            return None
        while not self.is_business_day(first - ONE_DAY):
            first -= ONE_DAY
        return first, day - ONE_DAY

    def mask(self, area: str, window: str, days: int = 1) -> bytearray:
        """1 where a cut-over of ``area`` lasting ``days`` business days may start (grown with the calendar).

        Every day of the cut-over obeys the calendar: the start day as :meth:`cutover_allowed` says, and each
        following business day outside the area's freeze windows.
        """
        key = (area, window, max(days, 1))
        if key not in self._masks:
            mask = bytearray()
            self._fill_mask(*key, mask)
            self._masks[key] = mask
        return self._masks[key]

    def _fill_mask(self, area: str, window: str, days: int, mask: bytearray) -> None:
        # The last days - 1 known days cannot be judged yet: their cut-over would run past the known calendar.
        for i in range(len(mask), len(self._days) - (days - 1)):
            ok = self.cutover_allowed(area, window, i) and all(
                self.freeze_window(area, self._days[i + k]) is None for k in range(1, days))
            mask.append(1 if ok else 0)

    def frozen_days(self, area: str | None, first: dt.date, last: dt.date) -> list[tuple[dt.date, str]]:
        """Calendar days in ``[first, last]`` inside a freeze window (of ``area``, or of any area)."""
        out, d = [], first
        while d <= last:
            for w in self.settings.freeze_windows:
                if (area is None or area in w.areas) and w.contains(d.month, d.day):
                    out.append((d, w.name))
                    break
            d += ONE_DAY
        return out
