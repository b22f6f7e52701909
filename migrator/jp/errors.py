"""Errors raised by migrator.jp: plain ValueError subclasses, turned into findings by other packages."""

from __future__ import annotations


class JpError(ValueError):
    """Root of the errors raised on purpose by migrator.jp."""


class WarekiFormatError(JpError):
    """A date cannot be formatted in the requested 和暦 form (for example before 明治)."""


class CharsetError(JpError):
    """An unknown character class, or an MJ table that cannot be read."""


class GaijiTableError(JpError):
    """A 外字対応表 entry cannot be understood (bad code point notation, duplicate key)."""


class DecodeError(JpError):
    """Bytes that cannot be decoded in the chosen encoding.

    Attributes:
        encoding: the codec tried.
        offset: byte offset of the first undecodable byte (0-based).
        line: 1-based line number of that byte.
        bad_bytes: the offending bytes.
    """

    def __init__(self, encoding: str, offset: int, line: int, bad_bytes: bytes, *, tried: str = "") -> None:
        self.encoding = encoding
        self.offset = offset
        self.line = line
        self.bad_bytes = bad_bytes
        self.tried = tried
        super().__init__(
            f"cannot decode as {encoding}: bytes {bad_bytes.hex(' ').upper()} at byte offset {offset}, line {line}"
            + (f" ({tried})" if tried else "")
        )
