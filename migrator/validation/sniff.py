"""What the first bytes of a delimited extract say about its shape, when it is not the declared one.

A file whose lines end in CR only reads as one long line, and a TAB-separated file read with a comma as
one column: the findings that follow (a CSV error on line 1, every item missing from the header) do not name
the cause. :func:`layout_hints` looks at the start of the file once and says it, at line 1.
"""

from __future__ import annotations

from pathlib import Path

from migrator.location import Location
from migrator.report import Finding, make_finding

HEAD_BYTES = 65_536
_SEPARATORS = {"\t": "TAB", ",": "','", ";": "';'", "|": "'|'"}


def _name(separator: str) -> str:
    return _SEPARATORS.get(separator, repr(separator))


def layout_hints(path: Path, delimiter: str, encoding: str) -> list[Finding]:
    """DAT018 hints for a delimited extract: lines ending in CR only, or a first line that holds none of the
    declared ``delimiter`` but another usual separator (TAB, comma, semicolon, bar)."""
    with Path(path).open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    where = Location(file=str(path), line=1)
    findings: list[Finding] = []
    if b"\r" in head and b"\n" not in head:
        findings.append(make_finding(
            "DAT018", where, reason="its lines end in CR only (no LF), so the whole file reads as one line",
            reason_ja="行末が CR だけ(LF がない)のため、ファイル全体が1行として読まれます",
            fix="save it with CRLF or LF line ends", fix_ja="行末を CRLF か LF にして保存してください"))
    first = head.replace(b"\r", b"\n").split(b"\n", 1)[0].decode(encoding, errors="replace").lstrip("\ufeff")
    if delimiter and first and delimiter not in first:
        found = max(((first.count(s), s) for s in _SEPARATORS if s != delimiter), default=(0, ""))
        if found[0]:
            name = _name(found[1])
            findings.append(make_finding(
                "DAT018", where,
                reason=f"its first line holds no {_name(delimiter)}, the declared separator, but {found[0]} {name}",
                reason_ja=f"1行目に宣言された区切り文字 {_name(delimiter)} がなく、{name} が {found[0]} 個あります",
                fix=f"if it is {name}-separated, declare file.delimiter in the legacy layout",
                fix_ja=f"{name} 区切りなら、現行レイアウトの file.delimiter にそう書いてください"))
    return findings
