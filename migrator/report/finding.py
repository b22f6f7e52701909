"""Findings: one problem found by a check, with a stable code, a severity, a location and a masked value."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from migrator.catalogue import Severity, spec
from migrator.i18n import SHOWN_CHARS, Lang, in_lang, shorten
from migrator.i18n import fill as fill_in
from migrator.location import Location
from migrator.report.masking import MaskKind, maybe_mask

# The message parameters that echo a text read from an input (a cell, a field, a YAML scalar): a message shows
# each shortened (i18n.shorten), whatever its length in the input; the location names the place of the rest.
ECHOED = frozenset({
    "item", "value", "name", "table", "legacy", "standard", "target", "key", "text", "formula", "encoding",
    "key_ja", "old", "new", "code_value", "value_text", "label", "sheet", "field", "column", "setting", "charset",
    "attribute", "type", "schema_id", "mapping", "vendor", "tag", "found", "system",
})
# Names (an item, a table, a sheet) are shown whole up to a length no name of the standard reaches: a message
# names an item exactly as the standard writes it; only a cell that is no name at all is cut.
NAMES = frozenset({"item", "name", "table", "legacy", "standard", "target", "sheet", "field", "column", "system",
                   "key"})  # ``key``: a YAML key, or the place the schema loader names (table X, item Y: attr)
NAME_CHARS = 120


def _echoed(key: str, value: object) -> object:
    """A message parameter as the message shows it: a text echoed from an input shortened (a ``_ja`` twin by the
    rule of its English parameter)."""
    if key not in ECHOED or not isinstance(value, str):
        return value
    return shorten(value, NAME_CHARS if key in NAMES else SHOWN_CHARS)


@dataclass(frozen=True)
class Example:
    """One occurrence behind an aggregated finding: where, and the (masked) values before and after."""

    location: Location
    value: str | None = None
    converted: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"location": self.location.to_dict(), "value": self.value, "converted": self.converted}


@dataclass(frozen=True)
class Finding:
    """One problem. Build it with :func:`make_finding` so that message and severity come from the catalogue."""

    code: str
    severity: Severity
    message_ja: str
    message_en: str
    location: Location = field(default_factory=Location)
    item: str | None = None
    value: str | None = None
    count: int = 1
    share: float | None = None
    examples: tuple[Example, ...] = ()
    source: str | None = None

    def message(self, lang: Lang = "en") -> str:
        return self.message_ja if lang == "ja" else self.message_en

    def to_dict(self, lang: Lang = "en") -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message(lang),
            "message_ja": self.message_ja,
            "message_en": self.message_en,
            "location": self.location.to_dict(),
            "item": self.item,
            "value": self.value,
            "count": self.count,
            "share": self.share,
            "examples": [e.to_dict() for e in self.examples],
            "source": self.source,
        }


def make_finding(
    code: str,
    location: Location | None = None,
    *,
    item: str | None = None,
    value: object = None,
    sensitive: bool = False,
    show_values: bool = False,
    mask_kind: MaskKind = "auto",
    severity: Severity | None = None,
    count: int = 1,
    share: float | None = None,
    examples: tuple[Example, ...] = (),
    source: str | None = None,
    **params: object,
) -> Finding:
    """Create a finding of catalogue ``code``; message templates are filled from ``params`` (a list or tuple is
    joined as the language of each message joins lists).

    ``value`` is masked when ``sensitive`` unless ``show_values``; the masked form is also what the
    ``{value}`` placeholder of a message sees, so a message can never leak what the finding hides.
    ``severity`` overrides the catalogue's default where a check's policy says so.
    """
    entry = spec(code)
    shown = maybe_mask(value, sensitive=sensitive, show_values=show_values, kind=mask_kind)
    fill = {k: _echoed(k.removesuffix("_ja"), v) for k, v in {"item": item, **params, "value": shown}.items()}
    missing = entry.params - fill.keys()
    if missing:
        raise KeyError(f"finding {code} needs parameters {sorted(missing)}")
    return Finding(
        code=code,
        severity=severity or entry.severity,
        message_ja=fill_in(entry.message_ja, **in_lang(fill, "ja")),
        message_en=fill_in(entry.message_en, **in_lang(fill, "en")),
        location=location or Location(),
        item=item,
        value=shown if shown is None else shorten(shown),
        count=count,
        share=share,
        examples=examples,
        source=source,
    )
