"""Legacy text encodings: strict decoding and a detector in the order BOM → UTF-8 → CP932.

CP932 data is decoded as ``cp932`` (never ``shift_jis_2004``, which turns vendor 外字 and NEC/IBM extensions
into wrong kanji without an error). Nothing is ever replaced silently: undecodable bytes raise
:class:`~migrator.jp.errors.DecodeError` with their byte offset and line, and :func:`undecodable_bytes` lists
them all. (Encodings work on bytes, before there is a column, so there is no polars form.)
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from .errors import DecodeError


class Encoding(StrEnum):
    UTF8 = "utf-8"
    UTF8_BOM = "utf-8-sig"
    CP932 = "cp932"


_ALIASES = {"utf8": Encoding.UTF8, "utf-8": Encoding.UTF8, "utf-8-sig": Encoding.UTF8_BOM,
            "utf8-bom": Encoding.UTF8_BOM, "utf-8-bom": Encoding.UTF8_BOM, "cp932": Encoding.CP932,
            "windows-31j": Encoding.CP932, "ms932": Encoding.CP932, "sjis": Encoding.CP932,
            "shift_jis": Encoding.CP932, "shift-jis": Encoding.CP932}


def resolve_encoding(name: str) -> Encoding:
    """The codec for a user-supplied name. Shift_JIS names mean CP932, the superset legacy systems write."""
    enc = _ALIASES.get(name.strip().lower().replace("_", "-").replace("shift-jis", "shift_jis"))
    if enc is None:
        enc = _ALIASES.get(name.strip().lower())
    if enc is None:
        raise ValueError(f"unsupported encoding {name!r}; use utf-8, utf-8-sig or cp932")
    return enc


@dataclass(frozen=True)
class Detection:
    """Which encoding was chosen and why (for the report)."""

    encoding: Encoding
    reason: str
    reason_ja: str


@dataclass(frozen=True)
class BadBytes:
    offset: int
    line: int
    data: bytes


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def undecodable_bytes(data: bytes, encoding: Encoding | str, *, limit: int = 100) -> list[BadBytes]:
    """Every undecodable byte run in ``data`` (up to ``limit``), with offset and line."""
    enc = resolve_encoding(str(encoding))
    decoder = codecs.getincrementaldecoder(str(enc))(errors="strict")
    found: list[BadBytes] = []
    pos = 0
    while pos < len(data) and len(found) < limit:
        try:
            decoder.decode(data[pos:], final=True)
            break
        except UnicodeDecodeError as exc:
            start, end = pos + exc.start, pos + exc.end
            found.append(BadBytes(start, _line_of(data, start), data[start:end]))
            decoder.reset()
            pos = end
    return found


def decode(data: bytes, encoding: Encoding | str) -> str:
    """Decode strictly; raise DecodeError naming the first bad byte's offset and line."""
    enc = resolve_encoding(str(encoding))
    try:
        return data.decode(str(enc))
    except UnicodeDecodeError as exc:
        raise DecodeError(str(enc), exc.start, _line_of(data, exc.start), data[exc.start:exc.end]) from None


def detect_encoding(data: bytes) -> Detection:
    """Choose the encoding of legacy bytes strictly: BOM → UTF-8 → CP932.

    Raises:
        DecodeError: the bytes are neither UTF-8 nor CP932 (the CP932 error is reported: offset and line).
    """
    if data.startswith(codecs.BOM_UTF8):
        return Detection(Encoding.UTF8_BOM, "starts with a UTF-8 byte order mark", "UTF-8のBOMで始まる")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            data.decode("cp932")
        except UnicodeDecodeError as exc:
            raise DecodeError(
                "cp932", exc.start, _line_of(data, exc.start), data[exc.start:exc.end],
                tried=f"not UTF-8 either: byte offset {utf8_error.start}, line {_line_of(data, utf8_error.start)}",
            ) from None
        return Detection(Encoding.CP932,
                         f"not valid UTF-8 (byte offset {utf8_error.start}); decodes as CP932 without error",
                         f"UTF-8として不正（{utf8_error.start}バイト目）、CP932として誤りなく読める")
    if data.isascii():
        return Detection(Encoding.UTF8, "ASCII only (read as UTF-8)", "ASCIIのみ（UTF-8として読む）")
    return Detection(Encoding.UTF8, "valid UTF-8 with non-ASCII characters", "UTF-8として正しい")


@dataclass(frozen=True)
class DecodedText:
    text: str
    detection: Detection


def read_text(source: bytes | str | Path, encoding: Encoding | str | None = None) -> DecodedText:
    """Read a file (or bytes) strictly, in ``encoding`` or the detected one. A BOM is never part of the text."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    if encoding is None:
        detection = detect_encoding(data)
    else:
        enc = resolve_encoding(str(encoding))
        if enc is Encoding.UTF8 and data.startswith(codecs.BOM_UTF8):
            enc = Encoding.UTF8_BOM
        detection = Detection(enc, "given by the caller", "指定による")
    return DecodedText(decode(data, detection.encoding), detection)
