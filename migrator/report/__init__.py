"""Findings, reports and their renderers (terminal, JSON, Excel, HTML)."""

from migrator.catalogue import CodeSpec, Severity, catalogue
from migrator.report.finding import Example, Finding, make_finding
from migrator.report.masking import mask, maybe_mask
from migrator.report.model import Report
from migrator.report.render import OutputFormat, render, write_report

__all__ = [
    "CodeSpec", "Example", "Finding", "OutputFormat", "Report", "Severity", "catalogue", "make_finding", "mask",
    "maybe_mask", "render", "write_report",
]
