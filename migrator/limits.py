"""The bounds on what migrator reads, declared once, and the safe opening of a user's file.

Every reader asks this module before it touches a user's file: the file must be a regular file (a FIFO
would block forever, ``/dev/zero`` never ends, a folder or a symlink loop is not a file) and no larger
than its limit. The other limits bound what a small file can unpack into: the parts of an .xlsx (a zip),
the cells a sheet really holds, the depth and size of a YAML tree, one CSV field, and how far a plan
looks for an allowed cut-over day.

Defaults are generous for real inputs (an inventory of every system of a prefecture, an extract of
millions of residents) and small for what no real input needs. Each can be raised with an environment
variable ``MIGRATOR_LIMIT_<NAME>`` (for example ``MIGRATOR_LIMIT_XLSX_CELLS=5000000``) or the root option
``--limit NAME=VALUE`` (for example ``migrator --limit xlsx_cells=5000000 inventory import big.xlsx``).
``docs/limits-and-safety.md`` lists them.
"""

from __future__ import annotations

import csv
import errno
import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from migrator.errors import InputError, SpecError
from migrator.i18n import plural, shorten
from migrator.location import Location

FileKind = Literal["text", "workbook", "extract"]


@dataclass(frozen=True)
class Limits:
    """The bounds, with their defaults. Sizes are in bytes."""

    text_bytes: int = 64 * 1024 * 1024
    """A schema, mapping YAML, calendar, template, edges, progress or synonyms file."""
    workbook_bytes: int = 256 * 1024 * 1024
    """An .xlsx file as stored (compressed)."""
    extract_bytes: int = 64 * 1024 * 1024 * 1024
    """A legacy extract (CSV or fixed-width); extracts are read in batches, so this only stops the absurd."""
    xlsx_part_bytes: int = 512 * 1024 * 1024
    """One part of an .xlsx (a sheet's XML, the shared strings) once unpacked."""
    xlsx_total_bytes: int = 1024 * 1024 * 1024
    """All parts of an .xlsx together once unpacked."""
    xlsx_ratio: int = 200
    """How many times larger than stored a part over 10 MB may unpack to (a zip bomb unpacks thousands of times)."""
    xlsx_cells: int = 1_000_000
    """Cells a workbook really holds (counted in its XML, not taken from the sheet's dimension tag)."""
    xlsx_rows: int = 200_000
    """Rows one sheet really holds, empty styled rows included (each costs memory when the sheet is read)."""
    xlsx_parts: int = 100_000
    """Parts (zip members) of an .xlsx: its zip directory is read whole, one object per part, before anything else;
    a workbook of 5,000 sheets has some 20,000."""
    xlsx_entries: int = 100_000
    """Entries of a workbook's own tables, each built as an object when the book is opened: cell formats, fonts,
    fills, borders, number formats, defined names, document properties (Excel keeps at most 64,000 formats)."""
    yaml_depth: int = 64
    """Nesting of mappings and lists in a YAML file."""
    yaml_nodes: int = 2_000_000
    """Values in a YAML file, aliases counted each time they are used."""
    csv_field_bytes: int = 1024 * 1024
    """One field of a CSV read by the csv module (progress files, schema CSVs, character lists)."""
    plan_horizon_years: int = 20
    """How far past its earliest day a task may be pushed looking for an allowed day."""

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


ENV_PREFIX = "MIGRATOR_LIMIT_"
_current: Limits | None = None


def _parse(name: str, raw: str, origin: str) -> int:
    text = raw.strip().replace("_", "").lower()
    scale = 1
    for suffix, factor in (("k", 1024), ("m", 1024**2), ("g", 1024**3)):
        if text.endswith(suffix + "b") or text.endswith(suffix):
            text = text.removesuffix("b").removesuffix(suffix)
            scale = factor
            break
    try:
        value = int(text) * scale
    except ValueError:
        value = 0
    if value <= 0:
        raise InputError.of("CORE119", Location(file=origin), name=name, value=raw)
    return value


def from_environ(environ: Mapping[str, str] | None = None) -> Limits:
    """The defaults overridden by ``MIGRATOR_LIMIT_<NAME>`` variables."""
    env = os.environ if environ is None else environ
    overrides = {name: _parse(name, env[ENV_PREFIX + name.upper()], ENV_PREFIX + name.upper())
                 for name in Limits.names() if ENV_PREFIX + name.upper() in env}
    return replace(Limits(), **overrides)


def current() -> Limits:
    """The limits in force: those set by :func:`using`, else the environment's."""
    return _current if _current is not None else from_environ()


def with_overrides(base: Limits, pairs: Mapping[str, str], origin: str = "--limit") -> Limits:
    """``base`` with ``NAME=VALUE`` overrides (an unknown name is an input error listing the known ones)."""
    overrides: dict[str, int] = {}
    for name, raw in pairs.items():
        key = name.strip().lower().replace("-", "_")
        if key not in Limits.names():
            raise InputError.of("CORE118", Location(file=origin), name=name, names=tuple(Limits.names()))
        overrides[key] = _parse(key, raw, origin)
    return replace(base, **overrides)


def install(limits: Limits | None) -> Limits | None:
    """Put ``limits`` in force (None: back to the environment's); return the ones in force before."""
    global _current
    previous, _current = _current, limits
    return previous


@contextmanager
def using(limits: Limits) -> Iterator[Limits]:
    """Make ``limits`` the ones in force for the duration of the block."""
    global _current
    previous, _current = _current, limits
    try:
        yield limits
    finally:
        _current = previous


def how_to_raise(name: str) -> str:
    """How a user raises limit ``name``: the option and the environment variable, with no word of either
    language between them (the messages of both languages quote it)."""
    return f"--limit {name}=N / {ENV_PREFIX}{name.upper()}=N"


def exceeded(name: str, location: Location, *, actual: object, actual_ja: object = None) -> InputError:
    """The located input error for ``name`` exceeded at ``location`` (``actual`` said in each language)."""
    return InputError.of("CORE105", location, name=name, limit=getattr(current(), name), actual=actual,
                         actual_ja=actual if actual_ja is None else actual_ja, how=how_to_raise(name))


def check_input_file(path: Path | str, kind: FileKind = "text") -> Path:
    """Return ``path`` when it is a readable regular file within its size limit; else a located input error.

    The file's real nature is what counts: a FIFO, a device, a socket, a folder and a symlink loop are
    each named as such (reading a FIFO or ``/dev/zero`` would block or never end).
    """
    path = Path(path)
    loc = Location(file=str(path))
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise InputError.of("CORE103", loc, detail=" (a symbolic link to a missing file)",
                                detail_ja="(リンク先のないシンボリックリンク)") from None
        raise InputError.of("CORE103", loc, detail="", detail_ja="") from None
    except OSError as exc:
        raise os_error(exc, path) from None
    mode = st.st_mode
    if not stat.S_ISREG(mode):
        en, ja = nature(mode)
        raise InputError.of("CORE101", loc, nature=en, nature_ja=ja)
    if not os.access(path, os.R_OK):
        raise InputError.of("CORE104", loc, reason="permission denied", reason_ja="読み取り権限がありません")
    limit_name = {"text": "text_bytes", "workbook": "workbook_bytes", "extract": "extract_bytes"}[kind]
    if st.st_size > getattr(current(), limit_name):
        raise exceeded(limit_name, loc, actual=st.st_size)
    return path


def read_text_file(path: Path | str, *, encoding: str = "utf-8", what: str = "file") -> str:
    """Check ``path`` (:func:`check_input_file`) and return its text; a decoding error names the byte offset."""
    path = check_input_file(path, "text")
    data = path.read_bytes()
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise decode_error(exc, path, data, encoding) from None


def decode_error(exc: UnicodeDecodeError, path: Path | str, data: bytes, encoding: str) -> InputError:
    """The located error for text that is not in ``encoding``: its line and what it looks like instead."""
    line = data.count(b"\n", 0, exc.start) + 1
    guess = "UTF-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[1:200:2].count(0) > 50 else None
    if guess is None:
        try:
            data[: 1 << 20].decode("cp932")
            guess = "Shift_JIS (CP932)" if encoding.lower().startswith("utf") else None
        except UnicodeDecodeError:
            guess = None
    return InputError.of("CORE114", Location(file=str(path), line=line), encoding=encoding, offset=exc.start,
                         looks=f" It looks like {guess}; save it as {encoding}." if guess else "",
                         looks_ja=f"{guess} のようです。{encoding} で保存し直してください。" if guess else "")


def nature(mode: int) -> tuple[str, str]:
    """What a non-regular file is, in English and Japanese."""
    if stat.S_ISDIR(mode):
        return "a folder", "フォルダ"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)", "名前付きパイプ (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device", "デバイス"
    if stat.S_ISSOCK(mode):
        return "a socket", "ソケット"
    return "not a regular file", "通常のファイルではないもの"


_OS_REASONS: dict[int, tuple[str, str]] = {
    errno.ELOOP: ("a symbolic link loop", "シンボリックリンクが循環しています"),
    errno.EACCES: ("permission denied", "権限がありません"),
    errno.EPERM: ("operation not permitted", "操作が許可されていません"),
    errno.EROFS: ("the file system is read-only", "読み取り専用のファイルシステムです"),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "パスの途中がフォルダではなくファイルです"),
    errno.EISDIR: ("it is a folder", "フォルダです"),
    errno.ENOSPC: ("no space left on the device", "ディスクの空きがありません"),
    errno.ENAMETOOLONG: ("the name is too long", "名前が長すぎます"),
    errno.ENOENT: ("not found", "見つかりません"),
    errno.EEXIST: ("it already exists", "既に存在します"),
    errno.EINVAL: ("the path is not valid here", "このパスは使えません"),
}


def os_error(exc: OSError, path: Path | str | None = None, *, writing: bool = False) -> InputError:
    """The located input error an ``OSError`` on a user's path really is (read: CORE104, write: CORE120)."""
    where = path if path is not None else exc.filename
    en, ja = _OS_REASONS.get(exc.errno or -1, (exc.strerror or type(exc).__name__, exc.strerror or "OS エラー"))
    if exc.errno == errno.ELOOP:
        return InputError.of("CORE102", Location(file=str(where)))
    if exc.errno == errno.ENOENT and not writing:
        return InputError.of("CORE103", Location(file=str(where)), detail="", detail_ja="")
    return InputError.of("CORE120" if writing else "CORE104", Location(file=str(where) if where else None),
                         reason=en, reason_ja=ja)


_RUST_ERRNO = re.compile(r"\(os error (\d+)\)")


def write_error(exc: Exception, path: Path | str | None) -> InputError:
    """The located input error (CORE120) of an error writing the output ``path`` (an ``OSError``, or a polars
    error of its writer); the errno of an error raised by polars, which gives none, is read from its message
    ("... (os error 28)")."""
    number = exc.errno if isinstance(exc, OSError) else None
    if number is None and (match := _RUST_ERRNO.search(str(exc))):
        number = int(match.group(1))
    if number is None:
        reason = str(exc) or type(exc).__name__
        return InputError.of("CORE120", Location(file=str(path) if path else None), reason=reason, reason_ja=reason)
    return os_error(OSError(number, os.strerror(number)), path, writing=True)


def check_yaml_tree(root: Node | None, path: Path | str) -> None:
    """Refuse a composed YAML tree deeper than ``yaml_depth`` or with more than ``yaml_nodes`` values.

    Values are counted as a loader would expand them, aliases included. A tree without aliases is walked
    once; one with aliases is measured node by node (see :func:`_check_with_aliases`).
    """
    if root is None:
        return
    lim = current()
    seen: set[int] = set()
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:  # an alias: expanding it here could cost as much as a "billion laughs"
            _check_with_aliases(root, path)
            return
        seen.add(id(node))
        if depth > lim.yaml_depth:
            raise _yaml_limit("yaml_depth", node, path)
        if len(seen) > lim.yaml_nodes:
            raise _yaml_limit("yaml_nodes", node, path)
        stack.extend((child, depth + 1) for child in _children(node))


def _check_with_aliases(root: Node, path: Path | str) -> None:
    """The YAML bounds on a tree with aliases: each node's expanded size and height are computed once,
    so a "billion laughs" costs as much as its text; an alias of its own ancestor would expand forever and
    is refused as over ``yaml_nodes``."""
    lim = current()
    measured: dict[int, tuple[int, int]] = {}  # id(node) → (values below and including it, height)
    open_nodes: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        kids = _children(node)
        if finished:
            open_nodes.discard(key)
            size = 1 + sum(measured[id(k)][0] for k in kids)
            height = 1 + max((measured[id(k)][1] for k in kids), default=0)
            measured[key] = (size, height)
            if height > lim.yaml_depth:
                raise _yaml_limit("yaml_depth", node, path)
            if size > lim.yaml_nodes:
                raise _yaml_limit("yaml_nodes", node, path)
            continue
        if key in measured:
            continue
        if key in open_nodes:  # an alias of its own ancestor
            raise _yaml_limit("yaml_nodes", node, path)
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((k, False) for k in kids if id(k) not in measured)


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _yaml_limit(name: str, node: Node | None, path: Path | str) -> InputError:
    line = node.start_mark.line + 1 if node is not None and node.start_mark is not None else None
    return InputError.of("CORE108", Location(file=str(path), line=line), name=name,
                         limit=getattr(current(), name), how=how_to_raise(name))


def compose_yaml(text: str, path: Path | str, loader: type[Any] = yaml.SafeLoader) -> Node | None:
    """``yaml.compose`` bounded by the YAML limits; nesting too deep for the parser is refused, located.

    Syntax errors propagate as ``yaml.YAMLError`` for the caller to report as its own finding.
    """
    if _flow_depth(text) > current().yaml_depth:
        raise _yaml_limit("yaml_depth", None, path)
    try:
        root = yaml.compose(text, Loader=loader)
    except RecursionError:
        raise _yaml_limit("yaml_depth", None, path) from None
    check_yaml_tree(root, path)
    return root



def csv_reason(exc: csv.Error) -> dict[str, str]:
    """What the csv module's error means, in both languages (its own text is English and not for users)."""
    text = str(exc)
    if "new-line character seen in unquoted field" in text:
        return {"reason": "a line break (CR) inside an unquoted field: do the lines end in CR only?",
                "reason_ja": "引用符で囲まれていない項目の中に改行(CR)があります。行末が CR だけのファイルではありませんか"}
    if "field larger than field limit" in text:
        limit = f"{csv.field_size_limit():,}"
        return {"reason": f"a field over {limit} {plural(limit, 'character', 'characters')}; --limit csv_field_bytes=N "
                          "raises it",
                "reason_ja": f"{limit} 文字を超える項目があります。--limit csv_field_bytes=N で上限を上げられます"}
    if "expected after" in text:
        return {"reason": "a closing quote not followed by the delimiter or the line end",
                "reason_ja": "閉じる引用符の後に区切り文字も行末もありません"}
    if "NUL" in text:
        return {"reason": "a NUL byte", "reason_ja": "NUL バイトがあります"}
    return {"reason": text, "reason_ja": f"CSV の構文の誤り: {text}"}


# The regular-expression compiler's problems (its own text is English): the start of its message → what it means.
_REGEX_REASONS_JA: tuple[tuple[str, str], ...] = (
    ("missing ), unterminated subpattern", "「(」が閉じられていません"),
    ("unbalanced parenthesis", "対応する「(」のない「)」があります"),
    ("unterminated character set", "「[」が閉じられていません"),
    ("nothing to repeat", "繰り返し (*、+、? や {n}) の前に繰り返すものがありません"),
    ("multiple repeat", "繰り返し (*、+、? や {n}) が重なっています"),
    ("bad escape", "使えないエスケープ (\\ の後の文字) があります"),
    ("bad character range", "文字範囲 (a-z など) の始めと終わりが逆です"),
    ("unknown extension", "「(?」の後に使えない指定があります"),
    ("missing group name", "グループ名がありません"),
    ("bad character in group name", "グループ名に使えない文字があります"),
    ("redefinition of group name", "同じグループ名が二度使われています"),
    ("unknown group name", "定義されていないグループ名を参照しています"),
    ("invalid group reference", "存在しないグループを参照しています"),
    ("cannot refer to an open group", "閉じていないグループを参照しています"),
    ("look-behind requires fixed-width pattern", "後読み (?<= や ?<!) の中は固定の長さにしてください"),
    ("min repeat greater than max repeat", "繰り返し回数 {m,n} の m が n より大きくなっています"),
    ("global flags not at the start of the expression", "(?i) などのフラグは式の先頭に書いてください"),
    ("missing >, unterminated name", "グループ名の「>」がありません"),
)


def regex_reason(exc: Exception) -> dict[str, str]:
    """What compiling a regular expression failed on, in both languages (``re.error``; also the OverflowError of
    a too large repetition count and the RecursionError of a too deeply nested pattern, which ``re`` raises
    as they are). The compiler's own text is English: it stays in ``reason`` only."""
    if isinstance(exc, OverflowError):
        return {"reason": "a repetition count is too large", "reason_ja": "繰り返し回数が大きすぎます"}
    if isinstance(exc, RecursionError):
        return {"reason": "the pattern is nested too deeply", "reason_ja": "( ) の入れ子が深すぎます"}
    msg = str(getattr(exc, "msg", None) or exc)
    pos = getattr(exc, "pos", None)
    ja = next((meaning for start, meaning in _REGEX_REASONS_JA if msg.startswith(start)), "正規表現の構文の誤りです")
    if isinstance(pos, int):
        return {"reason": f"{msg} at character {pos + 1} of the pattern", "reason_ja": f"{ja} (パターンの {pos + 1} 文字目)"}
    return {"reason": msg, "reason_ja": ja}


# The YAML parser's common problems (its own text is English): the start of its message → what it means.
_YAML_REASONS_JA: tuple[tuple[str, str], ...] = (
    ("could not find expected ':'", "「キー: 値」の「:」がありません (前の行の字下げか、閉じていない引用符を確かめてください)"),
    ("mapping values are not allowed here", "ここには「キー: 値」を書けません (値の中の「: 」は引用符で囲んでください)"),
    ("found character '\\t' that cannot start any token", "字下げにタブ文字があります。空白で字下げしてください"),
    ("found character", "この文字で値を始めることはできません (値を引用符で囲んでください)"),
    ("found unexpected end of stream", "引用符が閉じられないままファイルが終わっています"),
    ("found unknown escape character", "二重引用符の中に使えないエスケープ (\\ の後の文字) があります"),
    ("expected ',' or ']'", "[ ] の並びが閉じていないか、要素の間に「,」がありません"),
    ("expected ',' or '}'", "{ } の並びが閉じていないか、要素の間に「,」がありません"),
    ("expected the node content", "値があるべき位置で終わっています ([ ] や { } が閉じていません)"),
    ("expected <block end>", "字下げがそろっていません (同じ階層のキーは同じ字下げにしてください)"),
    ("expected '<document start>'", "文書の途中に書けない行があります (「%」で始まる行など)"),
    ("found undefined alias", "定義されていない別名 (*名前) を参照しています"),
    ("second occurrence", "同じアンカー (&名前) が二度定義されています"),
    ("expected alphabetic or numeric character", "アンカーまたは別名 (& や *) の後に名前がありません"),
    ("could not determine a constructor for the tag", "使えないタグ (!! で始まる型指定) があります"),
    ("found unhashable key", "キーに一覧やマッピングは使えません"),
)


def yaml_reason(exc: Exception, text: str | None = None) -> dict[str, Any]:
    """What the YAML parser's error means, in both languages, with the line and column it points at
    (``line``, ``column``: 1-based, None when the parser names no place). The parser's own text is English:
    it stays in ``reason`` only; ``reason_ja`` says what the common problems mean in Japanese."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = column = None
    if mark is not None:
        line, column = mark.line + 1, mark.column + 1
    elif text is not None and isinstance(getattr(exc, "position", None), int):  # a ReaderError: a character
        before = text[:exc.position]  # type: ignore[attr-defined]
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    english = str(problem) if problem else str(exc).split("\n")[0]
    if problem and str(context or "").startswith("found"):  # "found duplicate anchor 'x'; first occurrence"
        english = f"{context}, {problem}"
    if isinstance(exc, yaml.reader.ReaderError):
        ja = "YAML に使えない文字 (制御文字など) があります"
    else:
        ja = next((meaning for start, meaning in _YAML_REASONS_JA if str(problem or "").startswith(start)),
                  "YAML の構文の誤りです")
    where_en = f" (line {line}, column {column})" if line is not None else ""
    where_ja = f" ({line} 行 {column} 桁目)" if line is not None else ""
    return {"reason": english.strip() + where_en, "reason_ja": ja + where_ja, "line": line, "column": column}


_YAML_SHAPES = {"str": ("text", "文字列"), "int": ("a number", "数値"), "float": ("a number", "数値"),
                "bool": ("true/false", "真偽値"), "list": ("a list", "リスト"), "dict": ("a mapping", "マッピング")}


def yaml_shape(value: object) -> tuple[str, str]:
    """What a YAML value is, in English and in Japanese, the value itself shortened (``a list ['a', 'b']``)."""
    en, ja = _YAML_SHAPES.get(type(value).__name__, (type(value).__name__, type(value).__name__))
    shown = shorten(repr(value))
    return f"{en} {shown}", f"{ja} {shown}"


def yaml_error(exc: Exception, path: Path | str, text: str | None = None) -> SpecError:
    """CORE115 at the line of ``path`` the YAML parser's error points at, its reason in both languages."""
    why = yaml_reason(exc, text)
    return SpecError.of("CORE115", Location(file=str(path), line=why["line"]), what="YAML", what_ja="YAML ",
                        reason=why["reason"], reason_ja=why["reason_ja"])


def _key_reader() -> Callable[[Node], object]:
    """Read a mapping key as ``yaml.safe_load`` does (``no`` is False, ``1`` is 1); None for a key that is no
    scalar. One reader serves one walk of one tree (its loader remembers what it built)."""
    loader = yaml.SafeLoader("")

    def read(node: Node) -> object:
        if not isinstance(node, ScalarNode):
            return None
        try:
            return loader.construct_object(node)
        except yaml.YAMLError:
            return node.value

    return read


def yaml_node_at(root: Node | None, keys: Sequence[object], *, key: bool = False) -> Node | None:
    """The node of a composed YAML tree at ``keys`` — mapping keys as ``yaml.safe_load`` reads them, list
    indexes — or the deepest node on the way there when the rest is not found (None without a tree).
    ``key`` asks for the last mapping key's own node rather than its value (an unknown or repeated key)."""
    node, read = root, _key_reader()
    for i, step in enumerate(keys):
        last = i == len(keys) - 1
        if isinstance(node, MappingNode):
            pairs = [(k, v) for k, v in node.value
                     if (kv := read(k)) == step and type(kv) is type(step)]  # True is no key 1
            if not pairs:
                return node
            knode, vnode = pairs[-1]  # a repeated key: the loader keeps the last
            node = knode if key and last else vnode
        elif isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            node = node.value[step]
        else:
            return node
    return node


def yaml_location(path: Path | str, root: Node | None, keys: Sequence[object] = (), *,
                  key: bool = False) -> tuple[Location, int | None]:
    """``path`` at the line of the entry at ``keys`` of its composed tree (:func:`yaml_node_at`), and the entry's
    1-based column (several entries share a line in flow style: ``{systems: [a, YES]}``); the file alone and
    None when the tree is not known."""
    node = yaml_node_at(root, keys, key=key)
    if node is None:
        return Location(file=str(path)), None
    return Location(file=str(path), line=node.start_mark.line + 1), node.start_mark.column + 1


YAML_FLAGS = ("YES", "NO", "TRUE", "FALSE", "On", "Off")
"""Words that unquoted YAML reads as true or false, where a list of labels meant the text of a cell."""


def column_note(column: int | None) -> dict[str, str]:
    """The ``column``/``column_ja`` parameters of a catalogue message about a YAML entry: its 1-based column as
    " (column 5)" / " (5 桁目)" (several entries share a line in flow style), empty when it is not known."""
    if column is None:
        return {"column": "", "column_ja": ""}
    return {"column": f" (column {column})", "column_ja": f" ({column} 桁目)"}


def yaml_repeated_key(root: Node | None) -> tuple[list[object], Node, Node] | None:
    """The first key written twice in one mapping of a composed tree — its path (as :func:`yaml_node_at` takes
    it), its second and first key nodes — or None. ``yaml.safe_load`` keeps the last silently: what the first
    held is lost without a word."""
    stack: list[tuple[Node, list[object]]] = [(root, [])] if root is not None else []
    found: list[tuple[list[object], Node, Node]] = []
    read = _key_reader()
    while stack:
        node, at = stack.pop()
        if isinstance(node, MappingNode):
            seen: dict[tuple[type, object], Node] = {}
            for knode, vnode in node.value:
                kv = read(knode)
                marker = (type(kv), kv) if isinstance(knode, ScalarNode) else (object, id(knode))
                if marker in seen:
                    found.append(([*at, kv], knode, seen[marker]))
                seen.setdefault(marker, knode)
                stack.append((vnode, [*at, kv]))
        elif isinstance(node, SequenceNode):
            stack.extend((child, [*at, i]) for i, child in enumerate(node.value))
    if not found:
        return None
    return min(found, key=lambda f: (f[1].start_mark.line, f[1].start_mark.column))


@contextmanager
def csv_field_limit() -> Iterator[int]:
    """Bound the csv module's field size by ``csv_field_bytes`` for the block; yields the limit."""
    limit = current().csv_field_bytes
    previous = csv.field_size_limit(limit)
    try:
        yield limit
    finally:
        csv.field_size_limit(previous)


_SYSTEM_FOLDERS = (Path("/proc"), Path("/sys"), Path("/dev"))


def check_output_path(path: Path | str, *, folder: bool = False) -> Path:
    """Return ``path`` when an output can be written there; else a located input error (CORE120).

    ``folder`` says the path names a folder to write into (``--out``); otherwise a file (``-o``). What
    exists must be of that kind, the nearest existing parent must be a folder we may write in, and the
    kernel's folders (/proc, /sys, /dev) are never an output.
    """
    path = Path(path)
    loc = Location(file=str(path))

    def refuse(en: str, ja: str) -> InputError:
        return InputError.of("CORE120", loc, reason=en, reason_ja=ja)

    absolute = Path(os.path.abspath(path))
    if any(absolute == f or f in absolute.parents for f in _SYSTEM_FOLDERS):
        raise refuse("it is inside a system folder (/proc, /sys, /dev)", "システムのフォルダ (/proc, /sys, /dev) の中です")
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise os_error(exc, path, writing=True) from None
    if st is not None:
        if folder and not stat.S_ISDIR(st.st_mode):
            en, ja = nature(st.st_mode) if not stat.S_ISREG(st.st_mode) else ("a file", "ファイル")
            raise refuse(f"it is {en}, not a folder", f"フォルダではなく{ja}です")
        if not folder and not stat.S_ISREG(st.st_mode):
            en, ja = nature(st.st_mode)
            raise refuse(f"it is {en}, not a file", f"ファイルではなく{ja}です")
        if _read_only_fs(path):
            raise refuse("the file system is read-only", "読み取り専用のファイルシステムです")
        if not os.access(path, os.W_OK):
            raise refuse("permission denied", "書き込み権限がありません")
        return path
    parent = absolute.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise refuse(f"{parent} is a file, not a folder", f"{parent} はフォルダではなくファイルです")
    if _read_only_fs(parent):
        raise refuse(f"the folder {parent} is on a read-only file system",
                     f"フォルダ {parent} は読み取り専用のファイルシステムにあります")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise refuse(f"the folder {parent} is read-only for you", f"フォルダ {parent} に書き込めません")
    return path


def _read_only_fs(path: Path) -> bool:
    """Whether ``path`` is on a file system mounted read-only (where even root cannot write)."""
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs (Windows)
        return False


_FLOW_TOKEN = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'[^'\n]*'|[\[\]{}]")


def _flow_depth(text: str) -> int:
    """The deepest nesting of flow brackets (``[[[[``) outside quoted strings.

    The pure-Python YAML scanner slows down with every open bracket (100,000 of them take seconds before
    the parser even starts), so such a file is refused on this linear count first.
    """
    if "[" not in text and "{" not in text:
        return 0
    deepest = level = 0
    for match in _FLOW_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            level += 1
            deepest = max(deepest, level)
        elif token in "]}":
            level = max(level - 1, 0)
    return deepest


def replace_output(path: Path | str, write: Callable[[Path], object], *, private: bool = False) -> Path:
    """Write an output to ``path`` atomically: ``write`` fills a new file beside it, which then takes its name.

    The named path is replaced, never followed: a symbolic link there becomes the output (its target stays
    untouched), and a reader never sees a half-written file. ``private`` makes the file readable by its owner
    only. The folder is created when missing.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        part.unlink(missing_ok=True)  # left by a killed earlier process with this process id: no one's any more
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                     0o600 if private else 0o666)
        os.close(fd)
        if private:
            os.chmod(part, 0o600)
        write(part)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    return path


def write_output_text(path: Path | str, text: str, *, private: bool = False) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically, replacing (never following) what is there; see
    :func:`replace_output`."""
    return replace_output(path, lambda part: part.write_text(text, encoding="utf-8"), private=private)
