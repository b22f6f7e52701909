"""The one root of every error migrator raises on purpose.

An exception means the work cannot go on (an unreadable file, an invalid spec, an unreachable database).
Problems *in* the input that still let the work finish are findings, not exceptions.
"""

from __future__ import annotations

from typing import Self

from migrator.i18n import Lang, fill, in_lang
from migrator.location import Location


class MigratorError(Exception):
    """Root of migrator's deliberate errors; carries a bilingual message and an exit code."""

    exit_code: int = 2

    def __init__(self, en: str, ja: str | None = None, *, location: Location | None = None,
                 code: str | None = None) -> None:
        super().__init__(en)
        self.en = en
        self.ja = ja if ja is not None else en
        self.location = location
        self.code = code

    def message(self, lang: Lang = "en") -> str:
        text = self.ja if lang == "ja" else self.en
        if self.code is not None:
            text = f"{text} [{self.code}]"
        if self.location is not None and not self.location.is_empty():
            return f"{self.location.text(lang)}: {text}"
        return text

    @classmethod
    def of(cls, code: str, location: Location | None = None, **params: object) -> Self:
        """The error of catalogue ``code`` (message templates filled from ``params``; a list is joined as the
        language of each message joins lists) at ``location``."""
        from migrator.catalogue import spec  # the catalogue is data; imported late

        entry = spec(code)
        return cls(fill(entry.message_en, **in_lang(params, "en")), fill(entry.message_ja, **in_lang(params, "ja")),
                   location=location, code=code)


class InputError(MigratorError):
    """An input file cannot be read at all (missing, corrupt, wrong format)."""


class SpecError(MigratorError):
    """A specification (schema, mapping, template) is invalid so that work cannot continue."""


class StoreError(MigratorError):
    """The database cannot be used (unreachable, outdated revision, failed transaction)."""


class PlanError(MigratorError):
    """A plan cannot be built (for example no inventory in the store)."""
