"""The findings catalogue: every stable code with its severity and bilingual message templates.

The catalogue is data, one YAML file per area in ``migrator/catalogue/``, merged into one table at
first use. ``docs/findings.md`` is generated from it (``python -m migrator.catalogue``) and a test
keeps the two equal.
"""

from __future__ import annotations

import re
import string
import sys
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import yaml

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
CODE_RE = re.compile(r"^[A-Z]{2,4}[0-9]{3}$")


@dataclass(frozen=True)
class CodeSpec:
    """One catalogue entry."""

    code: str
    severity: Severity
    title_ja: str
    title_en: str
    message_ja: str
    message_en: str
    area: str

    @property
    def params(self) -> frozenset[str]:
        """The placeholder names used by the message templates."""
        names: set[str] = set()
        for template in (self.message_ja, self.message_en):
            names.update(f for _, f, _, _ in string.Formatter().parse(template) if f)
        return frozenset(names)


class CatalogueError(Exception):
    """The shipped catalogue itself is malformed (a bug in migrator, caught by the tests)."""


@cache
def catalogue() -> dict[str, CodeSpec]:
    """Return every finding code, sorted by code."""
    specs: dict[str, CodeSpec] = {}
    folder = resources.files("migrator") / "catalogue"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        area = entry.name.removesuffix(".yaml")
        raw = yaml.load(entry.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
        for code, body in raw.items():
            if not CODE_RE.match(str(code)):
                raise CatalogueError(f"{entry.name}: bad code {code!r}")
            if code in specs:
                raise CatalogueError(f"{entry.name}: duplicate code {code}")
            try:
                spec = CodeSpec(
                    code=code,
                    severity=body["severity"],
                    title_ja=body["title"]["ja"],
                    title_en=body["title"]["en"],
                    message_ja=body["message"]["ja"],
                    message_en=body["message"]["en"],
                    area=area,
                )
            except (KeyError, TypeError) as exc:
                raise CatalogueError(f"{entry.name}: {code}: missing {exc}") from exc
            if spec.severity not in SEVERITIES:
                raise CatalogueError(f"{entry.name}: {code}: bad severity {spec.severity!r}")
            specs[code] = spec
    return dict(sorted(specs.items()))


def spec(code: str) -> CodeSpec:
    """Return the catalogue entry of ``code``; an unknown code is a programming error."""
    try:
        return catalogue()[code]
    except KeyError:
        raise KeyError(f"finding code {code} is not in the catalogue") from None


def markdown() -> str:
    """Render the catalogue as the Markdown page ``docs/findings.md``."""
    lines = [
        "# Findings catalogue / 指摘コード一覧",
        "",
        "Generated from `migrator/catalogue/*.yaml` by `python -m migrator.catalogue`;"
        " a test keeps this page equal to the catalogue. Do not edit by hand.",
    ]
    current = None
    for s in sorted(catalogue().values(), key=lambda c: (c.area, c.code)):
        if s.area != current:
            current = s.area
            lines += ["", f"## {current}", "", "| code | severity | title | message (ja) | message (en) |"]
            lines.append("|---|---|---|---|---|")
        cells = [s.code, s.severity, f"{s.title_ja} / {s.title_en}", s.message_ja, s.message_en]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover - exercised through the docs test
    sys.stdout.write(markdown())
