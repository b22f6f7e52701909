"""The 変換 language: a pipe of named transforms with arguments, parsed without ``eval``.

Grammar (whitespace between tokens is ignored)::

    pipe  := step ("|" step)*
    step  := NAME [ "(" [ arg ("," arg)* ] ")" ]
    arg   := [ NAME "=" ] value
    value := STRING | WORD          STRING: "..." or '...' (backslash escapes \\" \\' \\\\)
                                    WORD:   a run of characters other than space | ( ) , = " '

A bare WORD names a legacy item, a code table or a keyword, depending on the parameter; a quoted STRING
is always literal text. Errors carry the 1-based character position they refer to.
"""

from __future__ import annotations

from dataclasses import dataclass

from migrator.i18n import shorten

_SPECIAL = set('|(),="\'')
# Each step wraps the expression of the one before: thousands of steps (a cell of `trim | trim | …`) build an
# expression so deep that the run takes gigabytes and then crashes. Real pipes have a handful of steps.
MAX_STEPS = 50
MAX_ARGS = 200  # likewise the arguments of one step: concat() of 20,000 items took gigabytes


@dataclass(frozen=True)
class Arg:
    value: str
    quoted: bool
    name: str | None = None
    pos: int = 0  # 0-based offset in the pipe text


@dataclass(frozen=True)
class Step:
    name: str
    args: tuple[Arg, ...] = ()
    pos: int = 0
    has_parens: bool = False


@dataclass(frozen=True)
class Pipe:
    text: str
    steps: tuple[Step, ...]


class TransformSyntaxError(ValueError):
    """A syntax error at 0-based offset ``pos`` of ``text``."""

    def __init__(self, text: str, pos: int, reason: str, reason_ja: str) -> None:
        super().__init__(f"{reason} at character {pos + 1}")
        self.text = text
        self.pos = pos
        self.reason = reason
        self.reason_ja = reason_ja

    @property
    def position(self) -> int:
        """1-based character position."""
        return self.pos + 1


@dataclass(frozen=True)
class _Tok:
    kind: str  # word, string, op, end
    text: str
    pos: int


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "|(),=":
            out.append(_Tok("op", ch, i))
            i += 1
            continue
        if ch in "\"'":
            start, quote = i, ch
            i += 1
            buf: list[str] = []
            while i < n and text[i] != quote:
                if text[i] == "\\" and i + 1 < n and text[i + 1] in "\\\"'":
                    buf.append(text[i + 1])
                    i += 2
                    continue
                buf.append(text[i])
                i += 1
            if i >= n:
                raise TransformSyntaxError(text, start, f"unterminated string starting with {quote}",
                                           f"{quote} で始まる文字列が閉じていません")
            out.append(_Tok("string", "".join(buf), start))
            i += 1
            continue
        start = i
        while i < n and not text[i].isspace() and text[i] not in _SPECIAL:
            i += 1
        out.append(_Tok("word", text[start:i], start))
    out.append(_Tok("end", "", n))
    return out


def parse_pipe(text: str) -> Pipe:
    """Parse a 変換 cell into a :class:`Pipe`.

    Raises:
        TransformSyntaxError: the text is not a pipe (the error names the character position).
    """
    toks = _tokens(text)
    k = 0
    steps: list[Step] = []
    depth_open: list[int] = []

    def expect_word(what: str, what_ja: str) -> _Tok:
        nonlocal k
        tok = toks[k]
        if tok.kind != "word":
            found = "the end" if tok.kind == "end" else repr(shorten(tok.text))
            found_ja = "末尾" if tok.kind == "end" else f"'{shorten(tok.text)}'"
            raise TransformSyntaxError(text, tok.pos, f"expected {what}, found {found}",
                                       f"{what_ja}が必要ですが {found_ja} があります")
        k += 1
        return tok

    if toks[0].kind == "end":
        raise TransformSyntaxError(text, 0, "empty transform", "変換式が空です")
    while True:
        name = expect_word("a transform name", "変換名")
        args: list[Arg] = []
        has_parens = False
        if toks[k].kind == "op" and toks[k].text == "(":
            has_parens = True
            depth_open.append(toks[k].pos)
            k += 1
            if toks[k].kind == "op" and toks[k].text == ")":
                k += 1
                depth_open.pop()
            else:
                while True:
                    tok = toks[k]
                    arg_name: str | None = None
                    if tok.kind == "word" and toks[k + 1].kind == "op" and toks[k + 1].text == "=":
                        arg_name = tok.text
                        k += 2
                        tok = toks[k]
                    if tok.kind not in ("word", "string"):
                        if tok.kind == "end":
                            raise TransformSyntaxError(text, depth_open[-1], "'(' is never closed",
                                                       "'(' が閉じていません")
                        raise TransformSyntaxError(text, tok.pos, f"expected an argument, found {shorten(tok.text)!r}",
                                                   f"引数が必要ですが '{shorten(tok.text)}' があります")
                    if len(args) == MAX_ARGS:
                        raise TransformSyntaxError(text, tok.pos, f"a step takes at most {MAX_ARGS} arguments",
                                                   f"引数は {MAX_ARGS} 個までです")
                    args.append(Arg(tok.text, tok.kind == "string", arg_name, tok.pos))
                    k += 1
                    tok = toks[k]
                    if tok.kind == "op" and tok.text == ",":
                        k += 1
                        continue
                    if tok.kind == "op" and tok.text == ")":
                        k += 1
                        depth_open.pop()
                        break
                    if tok.kind == "end":
                        raise TransformSyntaxError(text, depth_open[-1], "'(' is never closed",
                                                   "'(' が閉じていません")
                    raise TransformSyntaxError(text, tok.pos, f"expected ',' or ')', found {shorten(tok.text)!r}",
                                               f"',' か ')' が必要ですが '{shorten(tok.text)}' があります")
        if len(steps) == MAX_STEPS:
            raise TransformSyntaxError(text, name.pos, f"a pipe holds at most {MAX_STEPS} steps",
                                       f"変換は {MAX_STEPS} 段までです")
        steps.append(Step(name.text, tuple(args), name.pos, has_parens))
        tok = toks[k]
        if tok.kind == "end":
            break
        if tok.kind == "op" and tok.text == "|":
            k += 1
            continue
        if tok.kind == "op" and tok.text == ")":
            raise TransformSyntaxError(text, tok.pos, "')' without a matching '('", "対応する '(' のない ')' です")
        raise TransformSyntaxError(text, tok.pos, f"expected '|' between transforms, found {shorten(tok.text)!r}",
                                   f"変換の間には '|' が必要ですが '{shorten(tok.text)}' があります")
    return Pipe(text, tuple(steps))


def quote(value: str) -> str:
    """Write ``value`` as a STRING token."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
