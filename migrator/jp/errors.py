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


class AmbiguousCodeError(GaijiTableError):
    """A legacy character written as four bare hexadecimal digits that are also a Shift_JIS 外字 code.

    ``F040`` names U+F040, but vendors' tables write the Shift_JIS code of the user-defined area (lead byte
    F0-F9), which CP932 reads as U+E000: the two are different characters, and a wrong guess maps the wrong one.

    Attributes:
        written: the four digits as written (upper case).
        as_codepoint: the character read as a code point (U+F040).
        as_sjis: the character CP932 reads from the Shift_JIS code (U+E000).
    """

    def __init__(self, written: str, as_codepoint: str, as_sjis: str) -> None:
        self.written = written
        self.as_codepoint = as_codepoint
        self.as_sjis = as_sjis
        super().__init__(
            f"{written} could be the code point U+{ord(as_codepoint):04X} or the Shift_JIS 外字 code {written} "
            f"(U+{ord(as_sjis):04X} in CP932): write U+… or the character itself"
        )


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
