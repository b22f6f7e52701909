"""A report: the findings of one piece of work, with counts, validity and the exit code."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from migrator.catalogue import SEVERITIES
from migrator.i18n import Lang
from migrator.report.finding import Finding

REPORT_FORMAT = "migrator.report/1"
_ORDER = {s: i for i, s in enumerate(SEVERITIES)}
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]+)")


def _cell_order(cell: str | None) -> tuple[int, int]:
    """(row, column) of a cell reference such as ``A10``, so that A9 comes before A10 (not as text)."""
    match = _CELL.match(cell or "")
    if match is None:
        return (0, 0)
    column = 0
    for letter in match.group(1).upper():
        column = column * 26 + ord(letter) - 64
    return (int(match.group(2)), column)


@dataclass(frozen=True)
class Report:
    """Findings of one job. ``summary`` holds job-specific figures (row counts, checksums, timings)."""

    title: str
    findings: tuple[Finding, ...] = ()
    subject: str | None = None
    summary: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, title: str, findings: Iterable[Finding], *, subject: str | None = None,
           summary: Mapping[str, Any] | None = None) -> Report:
        """Build a report, sorting findings by severity, then location, then code."""
        ordered = sorted(
            findings,
            key=lambda f: (_ORDER[f.severity], str(f.location.file or ""), f.location.line or 0,
                           f.location.sheet or "", f.location.row or 0, *_cell_order(f.location.cell), f.code),
        )
        return cls(title=title, findings=tuple(ordered), subject=subject, summary=dict(summary or {}))

    @property
    def counts_by_severity(self) -> dict[str, int]:
        counts = Counter({s: 0 for s in SEVERITIES})
        for f in self.findings:
            counts[f.severity] += f.count
        return {s: counts[s] for s in SEVERITIES}

    @property
    def counts_by_code(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for f in self.findings:
            counts[f.code] += f.count
        return dict(sorted(counts.items()))

    @property
    def valid(self) -> bool:
        """True when no finding has severity error."""
        return not any(f.severity == "error" for f in self.findings)

    @property
    def exit_code(self) -> int:
        """0 when valid, 1 when any finding is an error."""
        return 0 if self.valid else 1

    def merged(self, other: Report, *, title: str | None = None) -> Report:
        """Return one report holding the findings of both."""
        return Report.of(title or self.title, [*self.findings, *other.findings], subject=self.subject,
                         summary={**self.summary, **other.summary})

    def to_dict(self, lang: Lang = "en") -> dict[str, Any]:
        """The JSON form; its keys are documented in ``docs/report-format.md``."""
        return {
            "format": REPORT_FORMAT,
            "title": self.title,
            "subject": self.subject,
            "valid": self.valid,
            "exit_code": self.exit_code,
            "counts": self.counts_by_severity,
            "counts_by_code": self.counts_by_code,
            "findings": [f.to_dict(lang) for f in self.findings],
            "summary": dict(self.summary),
        }
