"""Reading legacy extracts as text: CSV, fixed-width (CP932 byte positions) and Excel sheets.

Everything is read as text (no type guessing: leading zeros and codes survive), in batches of rows, so a
file larger than memory is processed with bounded memory. Problems of the file itself (undecodable bytes,
ragged rows, unterminated quotes, a wrong record length, a trailer whose count disagrees) are findings
with line numbers; the rest of the file is still read. Every batch is a ``pl.DataFrame`` whose columns are
the legacy item names (``pl.String``, empty fields as null) plus ``__row`` (1-based data row) and
``__line`` (the physical line where the record starts).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from migrator.errors import InputError
from migrator.i18n import plural
from migrator.jp import Encoding, detect_encoding, resolve_encoding
from migrator.limits import check_input_file, csv_field_limit, csv_reason, exceeded
from migrator.limits import current as current_limits
from migrator.location import Location
from migrator.report import Example, Finding, make_finding
from migrator.schema import CodeTable, FileLayout, Table
from migrator.validation.sniff import layout_hints
from migrator.validation.types import ExtractPlaces

ROW = "__row"
LINE = "__line"
DEFAULT_BATCH = 100_000
MAX_EXAMPLES = 5
UNKNOWN_COLUMNS_NAMED = 20  # columns not in the layout named one by one (DAT007); the rest are one DAT019
_TRAILER_FIRST = re.compile(r"^(9+|T|TRL|TRAILER|END|EOF|E)$", re.IGNORECASE)
_PAD = " \u3000"


@dataclass
class LineIssues:
    """Line-level problems of one file, aggregated per code: a count and the first few lines."""

    file: str
    counts: dict[tuple[str, tuple[tuple[str, str], ...]], int] = field(default_factory=dict)
    lines: dict[tuple[str, tuple[tuple[str, str], ...]], list[int]] = field(default_factory=dict)
    bad_rows: list[tuple[int, int, str]] = field(default_factory=list)  # (row, line, code) of unread records

    def add(self, code: str, line: int, row: int | None = None, **params: object) -> None:
        # Undecodable bytes are one finding per file (the first bytes shown), not one per byte value.
        key = next((k for k in self.counts if k[0] == code), None) if code == "DAT001" else None
        key = key or (code, tuple(sorted((k, str(v)) for k, v in params.items())))
        self.counts[key] = self.counts.get(key, 0) + 1
        seen = self.lines.setdefault(key, [])
        if len(seen) < MAX_EXAMPLES:
            seen.append(line)
        if row is not None:
            self.bad_rows.append((row, line, code))

    def findings(self) -> list[Finding]:
        out = []
        for (code, params), n in self.counts.items():
            lines = self.lines[(code, params)]
            examples = tuple(Example(Location(file=self.file, line=ln)) for ln in lines)
            texts: dict[str, Any] = dict(params)  # message parameters only (never make_finding's own options)
            out.append(make_finding(code, Location(file=self.file, line=lines[0]), count=n, examples=examples,
                                    **texts))
        return out


@dataclass(frozen=True)
class ReadOptions:
    """How to read an extract; unset fields come from the legacy table's file layout."""

    format: str | None = None  # csv | fixed | xlsx
    encoding: str | None = None  # utf-8 | utf-8-sig | cp932 | None (detect strictly)
    header: bool | None = None
    delimiter: str | None = None
    sheet: str | None = None
    batch_rows: int = DEFAULT_BATCH
    csv_blocks: bool = True  # CSV: let polars parse plain blocks; False: every line through Python's csv
    block_bytes: int = 8 << 20  # CSV: bytes of whole lines looked at (and parsed) at once
    file_start: bool = True  # the file read begins the extract (a later split of it does not): a header record?
    file_end: bool = True  # the file read ends the extract (an earlier split of it does not): a trailer record?


def _refuse_utf16(path: Path) -> None:
    """Refuse a UTF-16 text (by its BOM, or the zero bytes every other byte of ASCII text has in UTF-16).

    Read as UTF-8 or CP932 it would turn into a finding on every line instead of one clear answer.
    """
    with path.open("rb") as fh:
        head = fh.read(4096)
    zeros = head[1::2].count(0) + head[0::2].count(0)
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or (len(head) >= 64 and zeros * 4 > len(head)):
        raise InputError.of("DAT014", Location(file=str(path), line=1))


class ExtractReader:
    """One extract file, read lazily in batches. After iterating, ``findings``, ``rows``, ``checksum``."""

    def __init__(self, path: Path, table: Table | None = None, options: ReadOptions | None = None, *,
                 code_tables: Mapping[str, CodeTable] | None = None) -> None:
        self.path = Path(path)
        self.table = table
        self.code_tables = code_tables or {}
        self.options = options or ReadOptions()
        check_input_file(self.path, "extract")
        layout = table.file if table is not None and table.file is not None else FileLayout()
        self.format = self.options.format or _format_of(self.path, table)
        self.header = layout.header if self.options.header is None else self.options.header
        self.delimiter = self.options.delimiter or layout.delimiter
        self.record_length = layout.record_length
        self.declared_encoding = self.options.encoding or (layout.encoding if table and table.file else None)
        self.proven_decodes = False  # choose_encoding() decoded the whole file strictly with the chosen encoding
        self.issues = LineIssues(str(self.path))
        self.places = ExtractPlaces(str(self.path))
        self.extra_findings: list[Finding] = []
        self.columns: list[str] = list(table.item_names) if table is not None else []
        self.rows = 0  # data records seen (read or not)
        self._fixed_header: bytes | None = None  # the header record's code, until the first record is seen
        self._kind_at = 0  # the offset of the record kind's code in a fixed-width record (its first item)
        self.encoding: str | None = None
        self.checksum: str | None = None

    @property
    def findings(self) -> list[Finding]:
        return [*self.extra_findings, *self.issues.findings()]

    def batches(self) -> Iterator[pl.DataFrame]:
        """Yield the records as frames of at most ``batch_rows`` rows (all text, plus ``__row``/``__line``)."""
        checksum = _Checksum(self.path)
        if self.path.stat().st_size == 0:
            self.extra_findings.append(make_finding("DAT004", Location(file=str(self.path))))
            self.checksum = checksum.hexdigest()
            return
        if self.format != "xlsx":
            _refuse_utf16(self.path)
        before = _state(self.path)
        if self.format == "fixed":
            self._odd_frames: list[pl.DataFrame] = []
            yield from self._fixed()
            yield from self._odd_frames
        elif self.format == "xlsx":
            yield from self._excel()
        else:
            yield from self._csv()
        after = _state(self.path)
        if after != before:  # the rows read and the checksum would describe no one state of the file
            checksum.hexdigest()
            raise InputError.of("CORE124", Location(file=str(self.path)), before=before[2] if before else "-",
                                after=after[2] if after is not None else "-")
        self.checksum = checksum.hexdigest()
        if self.rows == 0 and not any(f.code == "DAT004" for f in self.extra_findings):
            where = Location(file=str(self.path), line=1)
            if self.places.sheet is not None:  # a sheet without data rows: its sheet, not a line
                where = Location(file=str(self.path), sheet=self.places.sheet)
            self.extra_findings.append(make_finding("DAT005", where))

    # ------------------------------------------------------------------ encoding

    def choose_encoding(self) -> str:
        """The declared encoding, or the strictly detected one (BOM → UTF-8 → CP932) on a bounded sample.

        The sample is ``_DETECT_SAMPLE`` bytes from the first non-ASCII byte, looked for in the first
        ``_DETECT_SCAN`` bytes (ASCII reads the same in both); no whole extra pass over the file. Bytes
        beyond the sample that do not decode are the reader's DAT001 findings, with their lines.
        ``proven_decodes``: the sample reached the end of the file, so the whole file decodes.
        """
        if self.declared_encoding:
            enc = _declared(self.declared_encoding, self.path)
            with self.path.open("rb") as fh:
                if enc is Encoding.UTF8 and fh.read(3) == codecs.BOM_UTF8:
                    enc = Encoding.UTF8_BOM
            return str(enc)
        with self.path.open("rb") as fh:
            head = fh.read(1 << 16)
        if head.startswith(codecs.BOM_UTF8):
            detection = detect_encoding(head)
            self.extra_findings.append(_info_encoding(self.path, str(detection.encoding), detection.reason,
                                                      detection.reason_ja))
            return str(detection.encoding)
        sample, whole = _encoding_sample(self.path)
        if sample is None:
            enc = Encoding.UTF8
            self.proven_decodes = whole
            why = ("ASCII only, which reads the same in UTF-8 and CP932", "ASCIIのみ（UTF-8でもCP932でも同じ）") if whole \
                else (f"ASCII only in the first {_DETECT_SCAN >> 20} MiB; read as UTF-8",
                      f"先頭{_DETECT_SCAN >> 20}MiBはASCIIのみ。UTF-8として読む")
        else:
            where = ("throughout", "全体") if whole else \
                (f"in {len(sample) >> 10:,} KiB from the first non-ASCII byte",
                 f"最初の非ASCIIバイトから{len(sample) >> 10:,}KiB")
            decoded = True
            if _sample_decodes(sample, "utf-8", whole):
                enc, why = Encoding.UTF8, (f"decodes as UTF-8 without error {where[0]}",
                                           f"UTF-8として誤りなく読める（{where[1]}）")
            elif _sample_decodes(sample, "cp932", whole):
                enc, why = Encoding.CP932, (f"not valid UTF-8; decodes as CP932 without error {where[0]}",
                                            f"UTF-8として不正、CP932として誤りなく読める（{where[1]}）")
            else:  # neither: read as CP932 and report the bad lines
                decoded = False
                enc, why = Encoding.CP932, (f"neither UTF-8 nor CP932 {where[0]}; read as CP932",
                                            f"UTF-8でもCP932でもない箇所がある（{where[1]}）。CP932として読む")
            self.proven_decodes = whole and decoded
        self.extra_findings.append(_info_encoding(self.path, str(enc), *why))
        return str(enc)

    def _hint(self, encoding: str) -> tuple[str, str]:
        other = "cp932" if encoding.startswith("utf") else "utf-8"
        if decodes(self.path, other):
            return (f" The file decodes as {other} without error: was {other} meant?",
                    f"このファイルは {other} として誤りなく読めます。{other} の指定ではありませんか。")
        return "", ""

    # ------------------------------------------------------------------ CSV

    def _csv(self) -> Iterator[pl.DataFrame]:
        """CSV records, parsed by polars block by block where the block is plain, else by the exact line path.

        A block (whole lines, ``block_bytes`` of them) is plain when it decodes strictly, has no NUL, no lone CR,
        no quote left open at a line end, no quote the ``csv`` module would reject or read otherwise, no line
        longer than the ``csv`` field limit, and every line has the header's number of fields (so no blank
        line, no ragged row, no trailer). Such a block is decoded in one call and handed to polars' CSV
        parser, all columns as text; any other block goes through ``_csv_lines`` (Python's ``csv`` per line),
        which reports its bad bytes, ragged rows and broken quotes with their physical lines. Both paths give
        the same rows, line numbers and findings.
        """
        with csv_field_limit():  # the user's --limit csv_field_bytes, for the csv module and the block path
            yield from self._csv_read()

    def _csv_read(self) -> Iterator[pl.DataFrame]:
        encoding = self.encoding = self.choose_encoding()
        self.extra_findings += layout_hints(self.path, self.delimiter, encoding)
        state = _CsvState()
        batches = _Rebatch(self.options.batch_rows)
        block = max(self.options.block_bytes, 1)
        fast = self.options.csv_blocks and len(self.delimiter) == 1 and self.delimiter not in '"\r\n' and \
            codecs.lookup(encoding).name in _BLOCK_ENCODINGS
        size = self.path.stat().st_size
        cap = line_cap()
        offset, line = 0, 0
        exact_until = 0  # the rest of a block whose plain lines were parsed: read the exact way up to here
        with self.path.open("rb") as fh:
            while offset < size:
                stop: int | None = None  # the line the exact path may stop after (None: the end of the file)
                if fast and line >= exact_until:
                    fh.seek(offset)
                    raw = fh.read(block)
                    cut = raw.rfind(b"\n") + 1 if offset + len(raw) < size else len(raw)
                    while cut == 0 and raw and len(raw) <= cap:  # one line longer than a block: read on
                        more = fh.read(block)
                        raw += more
                        cut = raw.rfind(b"\n") + 1 if more else len(raw)
                    if not raw:  # the file is shorter than it was (truncated while read): batches() says so
                        break
                    if cut == 0:  # a line over the line limit: the exact path reports it, reading it piecewise
                        del raw
                        stop = line + 1
                    else:
                        raw = raw[:cut]
                        lines = raw.count(b"\n") + (not raw.endswith(b"\n"))
                        # A Ctrl-Z right after the last field (DOS tools' end-of-file mark) is not part of it.
                        mark = offset + len(raw) >= size and raw.endswith(b"\x1a") and not raw.endswith(b"\n\x1a")
                        frame, good = self._csv_block(raw[:-1] if mark else raw, offset == 0, line, lines, state)
                        end_line = line + lines
                        while frame is None and 0 < good < lines:  # the lines before the first suspect one
                            lines = good
                            raw = raw[:_line_end(raw, lines)]
                            frame, good = self._csv_block(raw, offset == 0, line, lines, state)
                        if frame is not None:
                            offset, line = offset + len(raw), line + lines
                            exact_until = end_line if line < end_line else 0
                            yield from batches.add(frame)
                            continue
                        if state.expected is not None and state.expected < 2:
                            fast = False  # one field per line: a blank line is not told from an empty field
                        stop = end_line
                elif fast:
                    stop = exact_until
                for frame in self._csv_lines(offset, line, stop, state):
                    yield from batches.add(frame)
                if state.offset <= offset:  # nothing more to read (the file shrank while read)
                    break
                offset, line = state.offset, state.line
        if state.pending is not None:
            self._trailer_or_ragged(*state.pending, state.expected or 0)
        yield from batches.flush()

    def _csv_block(self, raw: bytes, first: bool, line0: int, lines: int,
                   state: _CsvState) -> tuple[pl.DataFrame | None, int]:
        """The records of one plain block of whole lines as a frame, or (None, the number of leading lines
        before the first line that makes it not plain)."""
        encoding = str(self.encoding)
        try:
            text = _decode(raw, encoding if first else encoding.replace("-sig", ""))
        except UnicodeDecodeError as exc:
            return None, raw.count(b"\n", 0, exc.start)
        utf8 = codecs.lookup(encoding).name == "utf-8"
        data = (raw[3:] if raw.startswith(codecs.BOM_UTF8) and first else raw) if utf8 else text.encode("utf-8")
        del text
        if data.startswith(codecs.BOM_UTF8):  # a BOM the parser might take for the file's own
            return None, 0
        if not data.endswith(b"\n"):
            data += b"\n"
        counts, good = _csv_fields(data, ord(self.delimiter), csv.field_size_limit())
        if counts is None or len(counts) != lines:
            return None, good if counts is None else 0
        expected = state.expected if state.expected is not None else int(counts[0])
        if expected < 2:
            return None, 0
        wrong = np.flatnonzero(counts != expected)
        if len(wrong):
            return None, int(wrong[0])
        parsed = pl.read_csv(data, has_header=False, separator=self.delimiter, quote_char='"',
                             schema={f"f{i}": pl.String for i in range(expected)}, raise_if_empty=False)
        if parsed.height != lines:  # the parser read the lines otherwise than counted: leave it to Python
            return None, 0
        header = state.header if state.header is not None or not self.header or state.expected is not None \
            else ["" if v is None else v for v in parsed.row(0)]
        if header is not None and len(header) == expected and bool(
                parsed.select((pl.col("f0").fill_null("") == header[0]).any()).item()):
            # Only a block whose first column holds the header's first cell is compared column by column.
            again = parsed.select(pl.all_horizontal(*[pl.col(f"f{i}").fill_null("") == h
                                                      for i, h in enumerate(header)]))
            hits = np.flatnonzero(again.to_series().to_numpy())
            hits = hits[hits > 0] if state.header is None else hits
            if len(hits):  # the header again (files joined with their headers): the exact path reports it
                return None, int(hits[0])
        first_line = line0 + 1
        if state.expected is None:
            record = ["" if v is None else v for v in parsed.row(0)]
            if self.header:
                state.names, state.mapping_idx = self._bind_header(record, first_line)
                state.header, state.header_line = record, first_line
            else:
                state.names = [f"column{i + 1}" for i in range(expected)] if self.table is None else state.names
                state.mapping_idx = self._bind_positions(expected, first_line)
            state.expected = expected
            if self.header:
                parsed, first_line = parsed.slice(1), first_line + 1
        if parsed.height and state.pending is not None:
            self._ragged(*state.pending, expected)
            state.pending = None
        first_row = self.rows + 1
        self.rows += parsed.height
        cols = [pl.col(f"f{i}") if i is not None else pl.lit(None, dtype=pl.String) for i in state.mapping_idx]
        return parsed.select(
            *[pl.when(c.str.len_bytes() > 0).then(c).alias(name) for c, name in zip(cols, self.columns, strict=True)],
            pl.int_range(first_row, first_row + parsed.height, dtype=pl.Int64).alias(ROW),
            pl.int_range(first_line, first_line + parsed.height, dtype=pl.Int64).alias(LINE),
        ), lines

    def _csv_lines(self, offset: int, line0: int, stop: int | None, state: _CsvState) -> Iterator[pl.DataFrame]:
        """The exact path: Python's ``csv`` over decoded lines from ``offset`` (after physical line ``line0``)
        until the first record ending at or after line ``stop`` (None: the end of the file).

        Undecodable lines, ragged rows and broken quotes are reported with their physical lines; after a
        broken quote the reading resumes on the line after the one where the broken record began. Leaves
        ``state.offset``/``state.line`` at the line after the last record read.
        """
        encoding = str(self.encoding)
        starts = [offset]  # byte offset of each physical line line0+1, line0+2, … (as far as read)

        cap = line_cap()

        def decoded_lines(skip: int) -> Iterator[str]:
            with self.path.open("rb") as fh:
                fh.seek(starts[skip - line0])
                for n, raw in enumerate(iter(partial(fh.readline, cap + 1), b""), start=skip + 1):
                    length = len(raw)
                    if length > cap and not raw.endswith(b"\n"):  # over the limit: read to its end, not kept
                        del raw
                        while more := fh.readline(1 << 20):
                            length += len(more)
                            if more.endswith(b"\n"):
                                break
                        state.long_lines[n] = length
                        raw = b"\n"
                    if n - line0 == len(starts):
                        starts.append(starts[-1] + length)
                    if raw.endswith(b"\x1a") and length <= cap:  # the last line (no line break): Ctrl-Z ends
                        raw = raw[:-1]  # the file, it is not part of the last field
                    try:
                        text = _decode(raw, encoding if n == 1 else encoding.replace("-sig", ""))
                    except UnicodeDecodeError as exc:
                        state.bad_lines[n] = raw[exc.start:exc.end].hex(" ").upper()
                        text = "\n"
                    yield text

        rows: list[list[str | None]] = []
        rows_meta: list[tuple[int, int]] = []
        start = line0
        prev = start
        while True:
            reader = csv.reader(decoded_lines(start), delimiter=self.delimiter, strict=True)
            prev = start
            try:
                for record in reader:
                    line = prev + 1
                    prev = start + reader.line_num  # line_num counts from this reader's first line
                    self._csv_record(record, line, state, rows, rows_meta)
                    if len(rows) >= self.options.batch_rows:
                        yield self._frame(rows, rows_meta)
                        rows, rows_meta = [], []
                    if stop is not None and prev >= stop:
                        break
            except csv.Error as exc:
                self.rows += 1
                self.issues.add("DAT003", prev + 1, self.rows) if "end of data" in str(exc) else \
                    self.issues.add("DAT012", prev + 1, self.rows, **csv_reason(exc))
                # Resume on the line after the one where the broken record began: the lines an unterminated
                # quote swallowed are records of their own, not to be lost.
                start = prev + 1
                if state.pending is not None:
                    self._ragged(*state.pending, state.expected or 0)
                    state.pending = None
                continue
            break
        if rows:
            yield self._frame(rows, rows_meta)
        state.line = prev
        state.offset = starts[prev - line0] if prev - line0 < len(starts) else self.path.stat().st_size

    def _csv_record(self, record: list[str], line: int, state: _CsvState, rows: list[list[str | None]],
                    rows_meta: list[tuple[int, int]]) -> None:
        """One record of the exact path: a bad line, a blank line, the header, a ragged row or a row."""
        if line in state.long_lines:
            self.rows += 1
            limit = f"{line_cap():,}"
            self.issues.add("DAT012", line, self.rows,
                            reason=f"a line over {limit} {plural(limit, 'byte', 'bytes')}, {LINE_FIELDS} times the field limit; "
                                   "--limit csv_field_bytes=N raises it",
                            reason_ja=f"{limit} バイト(項目の上限の {LINE_FIELDS} 倍)を超える行です。"
                                      "--limit csv_field_bytes=N で上限を上げられます")
            return
        if line in state.bad_lines:
            self.rows += 1
            if state.hint is None:
                state.hint = self._hint(str(self.encoding))
            self.issues.add("DAT001", line, self.rows, encoding=self.encoding, bytes=state.bad_lines[line],
                            hint=state.hint[0], hint_ja=state.hint[1])
            return
        if not record or (len(record) == 1 and not record[0].strip().strip("\x1a")):
            return  # a blank line, or the end-of-file mark (Ctrl-Z) older DOS/Windows tools write
        if state.expected is None and self.header:
            state.names, state.mapping_idx = self._bind_header(record, line)
            state.expected = len(record)
            state.header, state.header_line = list(record), line
            return
        if state.header is not None and record == state.header:
            self.issues.add("DAT020", line, None, first=state.header_line)
            return
        if state.expected is None:
            state.expected = len(record)
            state.names = [f"column{i + 1}" for i in range(state.expected)] if self.table is None else state.names
            state.mapping_idx = self._bind_positions(state.expected, line)
        if state.pending is not None:
            self._ragged(*state.pending, state.expected)
            state.pending = None
        self.rows += 1
        if len(record) != state.expected:
            state.pending = (line, record, self.rows)
            return
        rows.append([record[i] if i is not None else None for i in state.mapping_idx])
        rows_meta.append((self.rows, line))

    def _ragged(self, line: int, record: list[str], row: int, expected: int) -> None:
        self.issues.add("DAT002", line, row, found=len(record), expected=expected)

    def _trailer_or_ragged(self, line: int, record: list[str], row: int, expected: int) -> None:
        first = record[0].strip() if record else ""
        if _TRAILER_FIRST.match(first) and row == self.rows:
            self.rows -= 1  # a trailer is not a data record
            self._check_trailer(line, record[1:])
        else:
            self._ragged(line, record, row, expected)

    def _check_trailer(self, line: int, fields: Sequence[str]) -> None:
        numbers = [f.strip() for f in fields if f.strip().isdigit()]
        if numbers and int(numbers[0]) != self.rows:
            self.extra_findings.append(make_finding("DAT009", Location(file=str(self.path), line=line),
                                                    declared=int(numbers[0]), actual=self.rows))

    def _bind_header(self, record: list[str], line: int) -> tuple[list[str], list[int | None]]:
        cells = [c.strip().lstrip("\ufeff") for c in record]
        if self.table is None:
            self.columns = [c or f"column{i + 1}" for i, c in enumerate(cells)]
            return self.columns, list(range(len(cells)))
        where: dict[str, int] = {}
        for i, c in enumerate(cells):
            if c in where and c:
                self.extra_findings.append(make_finding("DAT015", Location(file=str(self.path), line=line),
                                                        column=c, first=where[c] + 1, again=i + 1))
            where.setdefault(c, i)
        idx: list[int | None] = []
        used: set[int] = set()
        for item in self.table.items:
            found = next((where[k] for k in (item.column, item.name) if k and k in where), None)
            if found is None:
                self.extra_findings.append(make_finding("DAT006", Location(file=str(self.path), line=line),
                                                        item=item.name, column=item.column or item.name))
            else:
                used.add(found)
            idx.append(found)
        unknown = [c for i, c in enumerate(cells) if i not in used and where.get(c) == i]
        for c in unknown[:UNKNOWN_COLUMNS_NAMED]:
            self.extra_findings.append(make_finding("DAT007", Location(file=str(self.path), line=line), column=c))
        if len(unknown) > UNKNOWN_COLUMNS_NAMED:  # 10,000 columns are one finding more, not 10,000 lines
            rest = unknown[UNKNOWN_COLUMNS_NAMED:]
            self.extra_findings.append(make_finding("DAT019", Location(file=str(self.path), line=line),
                                                    more=f"{len(rest):,}", first=rest[0], last=rest[-1]))
        return list(self.table.item_names), idx

    def _bind_positions(self, width: int, line: int) -> list[int | None]:
        if self.table is None:
            self.columns = [f"column{i + 1}" for i in range(width)]
            return list(range(width))
        return [i if i < width else None for i in range(len(self.table.items))]

    def _frame(self, rows: list[list[str | None]], meta: list[tuple[int, int]]) -> pl.DataFrame:
        cols = list(zip(*rows, strict=True)) if rows else [()] * len(self.columns)
        data: dict[str, pl.Series] = {
            name: pl.Series(name, values, dtype=pl.String) for name, values in zip(self.columns, cols, strict=True)
        }
        frame = pl.DataFrame(data)
        frame = frame.with_columns(pl.when(pl.col(c).str.len_bytes() > 0).then(pl.col(c)).alias(c)
                                   for c in self.columns)
        row_no, line_no = zip(*meta, strict=True)
        return frame.with_columns(pl.Series(ROW, row_no, dtype=pl.Int64), pl.Series(LINE, line_no, dtype=pl.Int64))

    # ------------------------------------------------------------------ fixed width

    def _fixed(self) -> Iterator[pl.DataFrame]:
        """Fixed-width records cut on byte positions with no per-row Python (numpy, polars).

        Each block of whole lines becomes a (records, record_length) uint8 array; each field's bytes are
        copied out column-wise and handed to polars as one Binary column; ASCII fields are cast to text as
        they are, the others decoded once per distinct value (see ``_fixed_frame``).
        """
        if self.table is None or any(i.start is None for i in self.table.items):
            raise InputError("A fixed-width extract needs a legacy layout with byte positions (start, length).",
                             "固定長の抽出ファイルには開始位置と長さのある現行レイアウトが必要です。",
                             location=Location(file=str(self.path)))
        self.encoding = str(_declared(self.declared_encoding or "cp932", self.path))
        record_length = self.record_length or max(i.start + (i.length or 0) - 1 for i in self.table.items)  # type: ignore[operator]
        trailer = trailer_code(self.table, self.code_tables) if self.options.file_end else None
        # A first record with the code of a header record (ヘッダ) is no data and not counted by the trailer.
        self._fixed_header = header_code(self.table, self.code_tables) if self.options.file_start else None
        # Where the record kind's code sits in a record: it is told by all of its bytes (10 ヘッダ, 90 トレーラ).
        self._kind_at = (self.table.items[0].start or 1) - 1
        if record_length > line_cap():  # a layout's absurd length: no record that long is held in memory
            raise exceeded("csv_field_bytes", Location(file=str(self.path)),
                           actual=f"the layout {self.table.name} gives records of {record_length} bytes, more than "
                                  f"{LINE_FIELDS} times the limit",
                           actual_ja=f"レイアウト {self.table.name} のレコード長が {record_length} バイトで、上限の "
                                     f"{LINE_FIELDS} 倍を超えます")
        # A block holds batch_rows records, but never more than _FIXED_BLOCK_BYTES of them (long records).
        rows = max(1, min(max(self.options.batch_rows, 1), _FIXED_BLOCK_BYTES // (record_length + 2)))
        block_bytes = rows * (record_length + 2)
        # One buffer, reused for every block (no new allocation, no page faults per block): a block is
        # read after the incomplete line carried over from the previous one.
        buffer = bytearray(block_bytes + record_length + 1024)
        view = memoryview(buffer)
        kept = 0  # bytes of the carried-over line at the start of the buffer
        line_no = 0  # physical lines before the current block
        trailer_line: tuple[int, bytes] | None = None  # the last record, if it looks like a trailer
        with self.path.open("rb") as opened:
            fh: Any = _RecordsWithoutBreaks(opened, record_length) if _unbroken(self.path, record_length) else opened
            while True:
                if kept + block_bytes + 1 > len(buffer):  # a very long line carried over: grow (a broken file)
                    view.release()
                    buffer.extend(bytes(kept + block_bytes + 1 - len(buffer)))
                    view = memoryview(buffer)
                got = fh.readinto(view[kept:kept + block_bytes]) or 0
                end = kept + got
                if got == 0:
                    if end == 0:
                        break
                    if buffer[end - 1] != 10:  # the last line without a line break
                        buffer[end] = 10
                        end += 1
                cut = buffer.rfind(b"\n", 0, end) + 1
                if cut == 0 and got and end > record_length + 2:
                    # A line longer than any record (a broken file, a line break missing for hundreds of MB):
                    # counted to its end, not kept, so memory stays within the block.
                    length, tail = _skip_line(fh, buffer, end, block_bytes)
                    line_no += 1
                    if trailer_line is not None:  # a "trailer" followed by more data was an ordinary record
                        self._fixed_odd(trailer_line[0], trailer_line[1], record_length)
                        trailer_line = None
                    self.rows += 1
                    self.issues.add("DAT010", line_no, self.rows, found=length, expected=record_length)
                    view[:len(tail)] = tail
                    kept = len(tail)
                    continue
                if cut == 0:
                    kept = end
                    continue
                block, pending, lines = self._fixed_block(view[:cut], line_no, record_length, trailer, trailer_line,
                                                          newlines=buffer.count(b"\n", 0, cut))
                trailer_line = pending
                line_no += lines
                tail = bytes(view[cut:end])
                view[:len(tail)] = tail
                kept = len(tail)
                if block is not None and block.height:  # every record of a block may be unreadable
                    yield block
                if got == 0:
                    break
        last_line = line_no
        if trailer is not None and trailer_line is None and self.rows:
            self.extra_findings.append(make_finding("DAT013", Location(file=str(self.path), line=last_line)))
        if trailer_line is not None:
            digits = re.findall(rb"[0-9]+", trailer_line[1][self._kind_at + len(trailer or b""):])
            if digits and int(digits[0]) != self.rows:
                self.extra_findings.append(make_finding("DAT009", Location(file=str(self.path), line=trailer_line[0]),
                                                        declared=int(digits[0]), actual=self.rows))

    def _record_kind(self, data: memoryview, start: int, code: bytes) -> bool:
        """Whether the record at ``start`` of ``data`` has the record kind ``code`` (every byte of it)."""
        at = start + self._kind_at
        return bytes(data[at:at + len(code)]) == code

    def _fixed_block(self, data: memoryview, line_no: int, record_length: int, trailer: bytes | None,
                     pending: tuple[int, bytes] | None, *, newlines: int | None = None,
                     ) -> tuple[pl.DataFrame | None, tuple[int, bytes] | None, int]:
        """One block of whole lines → (a frame of its good records, the trailer candidate left over, lines).

        ``newlines``: the number of line breaks in ``data``, if known (counted without a copy).
        """
        buf = np.frombuffer(data, dtype=np.uint8)
        step = len(data) // newlines if newlines else 0
        if step and newlines and step * newlines == len(data) and buf[step - 1] == 10 and bool((buf[step - 1::step] == 10).all()):
            # Lines of one length (the usual extract): the line breaks are where that length puts them, and
            # there are no others (their count says so); no pass over every byte to find them.
            ends = np.arange(step - 1, len(data), step)
        else:
            ends = np.flatnonzero(buf == 10)
        starts = np.concatenate(([0], ends[:-1] + 1))
        stops = ends - (buf[np.maximum(ends - 1, 0)] == 13) * (ends > starts)  # drop a CR before LF
        lengths = stops - starts
        lines = np.arange(line_no + 1, line_no + 1 + len(ends))
        # Blank lines (only spaces) are not records.
        blank = lengths == 0
        short = np.flatnonzero(~blank & (lengths < 64))
        for i in short:
            if not bytes(data[starts[i]:stops[i]]).strip().strip(b"\x1a"):  # a Ctrl-Z end-of-file mark too
                blank[i] = True
        keep = np.flatnonzero(~blank)
        if self._fixed_header is not None and len(keep):  # the file's first record: its header, if it has one
            if self._record_kind(data, int(starts[keep[0]]), self._fixed_header):
                keep = keep[1:]
            self._fixed_header = None
        if pending is not None and len(keep):  # a "trailer" followed by more data was an ordinary record
            self._fixed_odd(pending[0], pending[1], record_length)
            pending = None
        if trailer is not None and len(keep) and self._record_kind(data, int(starts[keep[-1]]), trailer):
            i = keep[-1]
            pending = (int(lines[i]), bytes(data[starts[i]:stops[i]]))
            keep = keep[:-1]
        first_row = self.rows + 1
        self.rows += len(keep)
        rows = np.arange(first_row, first_row + len(keep))
        good = lengths[keep] == record_length
        for k in np.flatnonzero(~good):
            i = keep[k]
            self.issues.add("DAT010", int(lines[i]), int(rows[k]), found=int(lengths[i]), expected=record_length)
        keep, rows = keep[good], rows[good]
        if len(keep) == 0:
            return None, pending, len(ends)
        if np.all(lengths == record_length) and len(np.unique(ends - starts)) == 1 and len(keep) == len(ends):
            step = int(ends[0] - starts[0]) + 1
            whole = buf.reshape(-1, step)  # each row ends with its line break: never a NUL
            return self._fixed_frame(whole[:, :record_length], rows, lines[keep], whole), pending, len(ends)
        else:
            records = buf[starts[keep][:, None] + np.arange(record_length)] if len(keep) * record_length < 1 << 22 \
                else np.frombuffer(b"".join(data[starts[i]:starts[i] + record_length] for i in keep.tolist()),
                                   dtype=np.uint8).reshape(-1, record_length)
        return self._fixed_frame(records, rows, lines[keep]), pending, len(ends)

    def _fixed_odd(self, line: int, rec: bytes, record_length: int) -> None:
        self.rows += 1
        if len(rec) != record_length:
            self.issues.add("DAT010", line, self.rows, found=len(rec), expected=record_length)
            return
        frame = self._fixed_frame(np.frombuffer(rec, dtype=np.uint8).reshape(1, -1), np.array([self.rows]),
                                  np.array([line]))
        self._odd_frames.append(frame)

    def _fixed_frame(self, records: np.ndarray, rows: np.ndarray, lines: np.ndarray,
                     whole: np.ndarray | None = None) -> pl.DataFrame:
        """The good records of one block as a frame: the records go to polars as one Binary column, each
        field is a byte slice of it.

        A field whose bytes are all ASCII is UTF-8 as it is (a cast); any other field is decoded once per
        distinct value of the block (names, addresses and codes repeat) and looked up for every row. Bytes
        that do not decode become U+FFFD, which CP932 cannot produce: such records are reported (DAT001,
        with the bytes) and left out. ``whole``: the records' rows with at least one byte more (the
        line break), C-contiguous; without it the records are copied with one such byte added.
        """
        assert self.table is not None
        n = records.shape[0]
        encoding = str(self.encoding)
        if whole is None:  # numpy bytes drop trailing NULs: a non-NUL last byte keeps every field whole
            whole = np.concatenate([records, np.ones((n, 1), dtype=np.uint8)], axis=1)
        top = records.max(axis=0) if n else np.zeros(records.shape[1], dtype=np.uint8)
        high = top >= 0x80
        spans = [((item.start or 1) - 1, item.length or 0) for item in self.table.items]
        width = records.shape[1]
        cut_at = [(start, min(start + length, width)) for start, length in spans]
        whole_fields = [k for k, (start, stop) in enumerate(cut_at) if stop > start]
        # Per field: does any value end in a space (padding to strip; from its last bytes), and is it blank on
        # every record (every byte position of it a space in every record: one pass for all fields).
        # A last byte whose range over the records leaves out the space never is one (digits: '0'-'9').
        trailing = np.ones(len(spans), dtype=bool)
        bottom = records.min(axis=0) if n else np.zeros(width, dtype=np.uint8)
        spaces = (top == 32) & (bottom == 32)
        blank = [n > 0 and stop > start and bool(spaces[start:stop].all()) for start, stop in cut_at]
        if n:
            last = {k: cut_at[k][1] - 1 for k in whole_fields}
            maybe = [k for k, j in last.items() if bottom[j] <= 32 <= top[j]]
            trailing[[k for k in last if k not in maybe]] = False
            if maybe:
                trailing[maybe] = (records[:, [last[k] for k in maybe]] == 32).any(axis=0)
        raw = pl.Series("__rec", whole.view(f"S{whole.shape[1]}").ravel(), dtype=pl.Binary)
        other: list[str] = []
        slices: list[pl.Expr] = []
        empty: list[pl.Series] = []
        for k, item in enumerate(self.table.items):
            (start, length), (_, stop) = spans[k], cut_at[k]
            cut = pl.col("__rec").bin.slice(start, length)
            if high[start:start + length].any():
                other.append(item.name)
            elif blank[k]:  # blank on every record: null
                empty.append(pl.repeat(None, n, dtype=pl.String, eager=True).alias(item.name))
                continue
            elif stop > start and not trailing[k]:  # no value ends in a space: none to strip, none blank
                cut = cut.cast(pl.String)
            else:  # ASCII: UTF-8 as it is; blank → null by ``replace``, a tenth of the cost of ``when``
                cut = cut.cast(pl.String).str.strip_chars_end(" ").replace("", None)
            slices.append(cut.alias(item.name))
        frame = pl.DataFrame([raw]).select(slices) if slices else pl.DataFrame()
        if empty:
            frame = frame.with_columns(empty) if frame.width else pl.DataFrame(empty)
        del raw
        bad = np.zeros(n, dtype=bool)
        decoded = []
        for name in other:
            values, hit = self._decode_distinct(name, frame[name], encoding)
            decoded.append(values)
            if hit is not None:
                bad |= hit
        if decoded:
            frame = frame.with_columns(decoded)
        frame = frame.select(self.table.item_names).with_columns(
            pl.Series(ROW, rows, dtype=pl.Int64), pl.Series(LINE, lines, dtype=pl.Int64))
        if bad.any():
            for k in np.flatnonzero(bad).tolist():
                self.issues.add("DAT001", int(lines[k]), int(rows[k]), encoding=encoding,
                                bytes=self._bad_field(records[k].tobytes(), encoding), hint="", hint_ja="")
            frame = frame.filter(pl.Series(~bad))
        return frame

    def _bad_field(self, record: bytes, encoding: str) -> str:
        """The first field of a fixed-width ``record`` that does not decode: its bytes that do not (hex), its
        name and its byte range (1-based), e.g. ``氏名 39-78: 8B`` for a character cut at the field's end."""
        assert self.table is not None
        for item in self.table.items:
            start, length = (item.start or 1) - 1, item.length or 0
            field_bytes = record[start:start + length]
            try:
                _decode(field_bytes, encoding)
            except UnicodeDecodeError as exc:
                return f"{item.name} {start + 1}-{start + length}: {field_bytes[exc.start:exc.end].hex(' ').upper()}"
        return ""

    @staticmethod
    def _decode_distinct(name: str, binary: pl.Series, encoding: str) -> tuple[pl.Series, np.ndarray | None]:
        """A Binary column decoded once per distinct value (padding removed, empty → null), and the rows
        whose value did not decode (None if none).

        The distinct values are joined with a unit separator (0x1F) and decoded by one call: CP932 and
        UTF-8 decode 0x1F to itself and never take it as part of a double-byte character, so the pieces
        are exactly the values decoded one by one (a value that ends in half a character still becomes
        U+FFFD). A value holding 0x1F, pieces that do not add up, or a codec that drops a BOM at the start
        of each value (utf-8-sig) decode one by one instead.
        """
        distinct = binary.unique()
        keys = distinct.to_list()
        joined = b"\x1f".join(keys)
        texts = joined.decode(encoding, errors="replace").split("\x1f") \
            if joined.count(b"\x1f") == len(keys) - 1 and codecs.lookup(encoding).name != "utf-8-sig" else []
        if len(texts) != len(keys):
            texts = [raw.decode(encoding, errors="replace") for raw in keys]
        out = pl.Series(texts, dtype=pl.String).str.strip_chars_end(_PAD).replace("", None)
        broken = out.str.contains(_UNDECODED[codecs.lookup(encoding).name == "cp932"]).fill_null(False)
        values = binary.replace_strict(distinct, out, return_dtype=pl.String)
        hit = binary.is_in(distinct.filter(broken).implode()).to_numpy() if broken.any() else None
        return values.alias(name), hit

    # ------------------------------------------------------------------ Excel

    def _excel(self) -> Iterator[pl.DataFrame]:
        from migrator.excel import Formula, find_header, read_workbook

        workbook = read_workbook(self.path)
        names = list(workbook.sheets)
        sheet_name = self.options.sheet or (self.table.name if self.table and self.table.name in names else names[0])
        if sheet_name not in workbook.sheets:
            raise InputError(f"No sheet {sheet_name!r} in {self.path}.", f"{self.path} にシート「{sheet_name}」がありません。",
                             location=Location(file=str(self.path)))
        sheet = workbook.sheets[sheet_name]
        self.places.sheet = sheet_name
        if self.table is not None:
            synonyms = {i.name: [i.name] + ([i.column] if i.column else []) for i in self.table.items}
            match = find_header(sheet, synonyms, required=[], two_row=False, parts=False)
            if match is None or not match.columns:
                self.extra_findings.append(make_finding("DAT011", Location(file=str(self.path), sheet=sheet_name),
                                                        sheet=sheet_name))
                return
            for item in self.table.items:
                if item.name not in match.columns:
                    self.extra_findings.append(make_finding(
                        "DAT006", sheet.location(match.row, 1), item=item.name, column=item.column or item.name))
            cols = {name: match.columns.get(name) for name in self.table.item_names}
            header_row = match.row + max(match.rows_used - 1, 0) if hasattr(match, "rows_used") else match.row
        else:
            header_row = 1
            cols = {str(v): i + 1 for i, v in enumerate(sheet.rows[0] if sheet.rows else []) if v is not None}
            self.columns = list(cols)
        self.places.columns.update({name: c for name, c in cols.items() if c})
        rows: list[list[str | None]] = []
        meta: list[tuple[int, int]] = []
        # Text items typed as numbers (leading zeros gone) and formulas a script wrote without their values:
        # item → [count, first cell], formula text → [count, first cell].
        text_items = {i.name for i in self.table.items if i.type in ("string", "code")} if self.table else set()
        numbers: dict[str, list[Any]] = {}
        formulas: dict[str, list[Any]] = {}
        for r in range(header_row + 1, sheet.max_row + 1):
            if sheet.is_blank_row(r):
                continue
            self.rows += 1
            values = [(name, c, sheet.value(r, c) if c else None) for name, c in cols.items()]
            formula = next(((c, v) for _, c, v in values if isinstance(v, Formula)), None)
            if formula is not None:
                seen = formulas.setdefault(str(formula[1]), [0, (r, formula[0])])
                seen[0] += 1
                self.issues.bad_rows.append((self.rows, r, "DAT016"))
                continue
            for name, c, v in values:
                if name in text_items and isinstance(v, (int, float)) and not isinstance(v, bool):
                    seen = numbers.setdefault(name, [0, (r, c)])
                    seen[0] += 1
            rows.append([_cell_text(v) for _, _, v in values])
            meta.append((self.rows, r))
            if len(rows) >= self.options.batch_rows:
                yield self._frame(rows, meta)
                rows, meta = [], []
        if rows:
            yield self._frame(rows, meta)
        if formulas:  # the formulas themselves not shown: they may hold personal data
            count = sum(n for n, _ in formulas.values())
            r, c = min(cell for _, cell in formulas.values())
            self.extra_findings.append(make_finding("DAT016", sheet.location(r, c), count=count, rows=count))
        for name, (count, (r, c)) in numbers.items():  # no value shown: it may be personal data
            self.extra_findings.append(make_finding("DAT017", sheet.location(r, c), item=name, count=count,
                                                    rows=count))

    def read_all(self) -> pl.DataFrame:
        """Every readable record in one frame (for small files and tests)."""
        frames = list(self.batches())
        if not frames:
            return pl.DataFrame({c: pl.Series(c, [], dtype=pl.String) for c in self.columns}).with_columns(
                pl.lit(None, dtype=pl.Int64).alias(ROW), pl.lit(None, dtype=pl.Int64).alias(LINE))
        return pl.concat(frames)


LINE_FIELDS = 16
_FIXED_BLOCK_BYTES = 256 * 1024 * 1024  # the most a block of fixed-width records may take, however long they are


def line_cap() -> int:
    """The longest CSV line held in memory, in bytes: ``LINE_FIELDS`` times the field limit (``csv_field_bytes``).

    A longer line (a missing line break, a file that is no CSV) is reported and read past, never held whole."""
    return LINE_FIELDS * current_limits().csv_field_bytes


_BLOCK_ENCODINGS = {"utf-8", "utf-8-sig", "cp932", "shift_jis"}  # ASCII bytes are always ASCII characters


@dataclass
class _CsvState:
    """What the CSV paths share while reading one file."""

    expected: int | None = None  # fields per record (the header's, or the first record's)
    names: list[str] = field(default_factory=list)
    mapping_idx: list[int | None] = field(default_factory=list)  # field of each column (None: absent)
    pending: tuple[int, list[str], int] | None = None  # the last ragged record, a trailer candidate
    hint: tuple[str, str] | None = None  # DAT001's hint (English, Japanese), looked for once
    bad_lines: dict[int, str] = field(default_factory=dict)  # undecodable lines → their first bad bytes
    long_lines: dict[int, int] = field(default_factory=dict)  # lines over ``line_cap()`` → their length in bytes
    header: list[str] | None = None  # the header record, and its line: one seen again is not a record
    header_line: int = 0
    offset: int = 0  # where the exact path stopped: byte offset …
    line: int = 0  # … and physical lines before it


class _Rebatch:
    """Frames of any size in, frames of exactly ``rows`` rows out (the last one shorter)."""

    def __init__(self, rows: int) -> None:
        self.rows = max(rows, 1)
        self.frames: list[pl.DataFrame] = []
        self.height = 0

    def add(self, frame: pl.DataFrame) -> Iterator[pl.DataFrame]:
        if frame.height:
            self.frames.append(frame)
            self.height += frame.height
        while self.height >= self.rows:
            whole = self.frames[0] if len(self.frames) == 1 else pl.concat(self.frames, rechunk=False)
            yield whole.slice(0, self.rows).rechunk()
            rest = whole.slice(self.rows)
            self.frames, self.height = ([rest] if rest.height else []), rest.height

    def flush(self) -> Iterator[pl.DataFrame]:
        if self.height:
            yield pl.concat(self.frames).rechunk() if len(self.frames) > 1 else self.frames[0].rechunk()
        self.frames, self.height = [], 0


def _csv_fields(data: bytes, delimiter: int, limit: int = 131_072) -> tuple[np.ndarray | None, int]:
    """Fields per line of ``data`` (whole UTF-8 lines, each ending in LF), or (None, the number of lines
    before the first one) where Python's ``csv`` could read a line otherwise than polars: a NUL, a lone CR,
    a line longer than ``limit`` (the csv module's field limit, ``--limit csv_field_bytes``), a quoted field
    left open at the line end, a quote that opens in the middle of a field or is not followed by a delimiter
    or the line end when it closes.

    NUL, CR and quotes are first looked for with ``bytes.find`` (memchr): most blocks have none of them.
    """
    buf = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(buf == 10)
    if len(ends) == 0:
        return None, 0
    suspects: list[int] = []  # byte positions that make their line not plain

    def first(where: np.ndarray, positions: np.ndarray) -> None:
        hit = np.flatnonzero(where)
        if len(hit):
            suspects.append(int(positions[hit[0]]))

    nul = data.find(b"\0")
    if nul >= 0:
        suspects.append(nul)
    first(np.diff(ends, prepend=-1) > limit, ends)
    if data.find(b"\r") >= 0:
        crs = np.flatnonzero(buf == 13)
        first(buf[np.minimum(crs + 1, len(buf) - 1)] != 10, crs)
    delims = np.flatnonzero(buf == delimiter)
    counts = np.diff(np.searchsorted(delims, ends), prepend=0) + 1  # delimiters per line, plus one
    if data.find(b'"') >= 0:
        quotes = np.flatnonzero(buf == 34)
        first(np.searchsorted(quotes, ends) % 2 == 1, ends)  # a quote still open at a line end
        opening, closing = quotes[0::2], quotes[1::2]
        before = buf[np.maximum(opening - 1, 0)]
        first(~((opening == 0) | (before == delimiter) | (before == 10) | (before == 34)), opening)
        after = buf[np.minimum(closing + 1, len(buf) - 1)]
        first(~((after == delimiter) | (after == 13) | (after == 10) | (after == 34)), closing)
        if not suspects:  # delimiters between a pair of quotes are text, not field breaks
            inside = np.searchsorted(delims, closing) - np.searchsorted(delims, opening)
            counts -= np.bincount(np.searchsorted(ends, opening), weights=inside, minlength=len(ends)).astype(counts.dtype)
    if suspects:
        return None, int(np.searchsorted(ends, min(suspects)))
    return counts, len(ends)


# Python's cp932 codec decodes five single bytes that are no Shift_JIS character (Windows' best fit): 0x80 →
# U+0080, 0xA0 → U+F8F0, 0xFD-0xFF → U+F8F1-U+F8F3. No legacy system writes them as text, so they are read as
# undecodable bytes (DAT001), not as a control character or a 外字 to look up in vain.
_CP932_STRAY = {b"\x80": "\x80", b"\xa0": "\uf8f0", b"\xfd": "\uf8f1", b"\xfe": "\uf8f2", b"\xff": "\uf8f3"}
# What a decoded value holds where its bytes did not decode (errors="replace"): U+FFFD, and in CP932 the strays.
_UNDECODED = {False: "\ufffd", True: "[\ufffd" + "".join(_CP932_STRAY.values()) + "]"}


def _decode(raw: bytes, encoding: str) -> str:
    """``raw`` decoded strictly, as ``bytes.decode`` does, except that CP932's stray single bytes raise
    ``UnicodeDecodeError`` too (at their byte offset). A byte looked for in the text only when it is in ``raw``
    (0x80 and 0xA0 are also second bytes of kanji)."""
    text = raw.decode(encoding)
    if codecs.lookup(encoding).name == "cp932":
        found = [at for byte, char in _CP932_STRAY.items() if raw.find(byte) >= 0 and (at := text.find(char)) >= 0]
        if found:
            start = len(text[:min(found)].encode(encoding))
            raise UnicodeDecodeError(encoding, raw, start, start + 1, "no Shift_JIS character")
    return text


def _declared(name: str, path: Path) -> Encoding:
    """The codec of a declared encoding (a mapping's 文字コード, a layout's ``file.encoding``); an input error
    naming it when migrator reads no such encoding."""
    try:
        return resolve_encoding(name)
    except ValueError:
        raise InputError(f"The extract's declared encoding {name!r} is not supported: use utf-8, utf-8-sig or cp932 "
                         "(Shift_JIS).",
                         f"抽出ファイルに指定された文字コード '{name}' には対応していません。utf-8、utf-8-sig、cp932"
                         "(Shift_JIS)のどれかを指定してください。", location=Location(file=str(path))) from None


def _line_end(raw: bytes, lines: int) -> int:
    """The offset just after the first ``lines`` lines of ``raw``."""
    return int(np.flatnonzero(np.frombuffer(raw, dtype=np.uint8) == 10)[lines - 1]) + 1


def _skip_line(fh: Any, buffer: bytearray, held: int, chunk: int) -> tuple[int, bytes]:
    """Read past the end of a line whose first ``held`` bytes are in ``buffer`` (no line break among them),
    reading into ``buffer``; return the line's length (without its CR LF or LF) and the bytes read after it."""
    length = held
    last = buffer[held - 1]
    with memoryview(buffer) as view:
        while True:
            got = fh.readinto(view[:chunk]) or 0
            if got == 0:  # the file ends inside the line
                return length - (last == 13), b""
            at = buffer.find(b"\n", 0, got)
            if at >= 0:
                before = buffer[at - 1] if at else last
                return length + at - (before == 13), bytes(view[at + 1:got])
            length += got
            last = buffer[got - 1]


def _state(path: Path) -> tuple[int, int, int, int] | None:
    """What tells that a file changed: its device, inode, size and modification time (None: it is gone)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


class _Checksum:
    """SHA-256 of a file, computed in a thread of its own beside the reading (hashlib releases the GIL)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._sha = hashlib.sha256()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="extract-checksum", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        try:
            with self.path.open("rb") as fh:
                while chunk := fh.read(1 << 22):
                    self._sha.update(chunk)
        except OSError as exc:  # the reader reports the file's own errors
            self._error = exc

    def hexdigest(self) -> str | None:
        self._thread.join()
        return None if self._error is not None else self._sha.hexdigest()


def _info_encoding(path: Path, encoding: str, en: str, ja: str) -> Finding:
    return make_finding("DAT008", Location(file=str(path)), encoding=encoding, reason=en, reason_ja=ja)


_DETECT_SCAN = 16 << 20  # bytes looked through for the first non-ASCII byte
_DETECT_SAMPLE = 1 << 20  # bytes decoded from there to choose the encoding


def _encoding_sample(path: Path) -> tuple[bytes | None, bool]:
    """The bytes encoding detection looks at: ``_DETECT_SAMPLE`` bytes from the first non-ASCII byte among
    the first ``_DETECT_SCAN`` (None: none there), and whether they reach the end of the file."""
    with path.open("rb") as fh:
        seen = 0
        while seen < _DETECT_SCAN and (chunk := fh.read(min(1 << 20, _DETECT_SCAN - seen))):
            seen += len(chunk)
            if chunk.isascii():
                continue
            first = int(np.argmax(np.frombuffer(chunk, dtype=np.uint8) >= 0x80))
            sample = chunk[first:]
            if len(sample) < _DETECT_SAMPLE:
                sample += fh.read(_DETECT_SAMPLE - len(sample))
            return sample, not fh.read(1)
        return None, not fh.read(1)


def _sample_decodes(sample: bytes, encoding: str, whole: bool) -> bool:
    """Whether ``sample`` decodes strictly; a character cut at its end counts as good unless it is the file's end."""
    try:
        codecs.getincrementaldecoder(encoding)(errors="strict").decode(sample, final=whole)
    except UnicodeDecodeError:
        return False
    return True


def decodes(path: Path, encoding: str) -> bool:
    """Whether the whole file decodes strictly as ``encoding`` (streamed, 1 MB at a time)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def trailer_code(table: Table, code_tables: Mapping[str, CodeTable]) -> bytes | None:
    """The first item's code meaning トレーラ (trailer record), if the layout declares one."""
    return _record_kind_code(table, code_tables, "トレーラ", "trailer")


def header_code(table: Table, code_tables: Mapping[str, CodeTable]) -> bytes | None:
    """The first item's code meaning ヘッダ (header record), if the layout declares one."""
    return _record_kind_code(table, code_tables, "ヘッダ", "header")


def _record_kind_code(table: Table, code_tables: Mapping[str, CodeTable], ja: str, en: str) -> bytes | None:
    if not table.items or not table.items[0].code_table:
        return None
    codes = code_tables.get(table.items[0].code_table)
    if codes is None:
        return None
    for code, label in codes.values:
        if ja in label or en in label.lower():
            return code.encode("ascii")
    return None


def _format_of(path: Path, table: Table | None) -> str:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if table is not None and table.file is not None and table.file.format in ("fixed", "csv", "xlsx"):
        return table.file.format
    if suffix in (".dat", ".txt", ".fix"):
        return "fixed" if table is not None and table.file and table.file.format == "fixed" else "csv"
    return "csv"


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


_PEEK = 1 << 16


def _unbroken(path: Path, record_length: int) -> bool:
    """Whether a fixed-width extract holds its records back to back, with no line break (as host systems
    write them): no CR or LF in its first 64 KiB, and at least two records' bytes (one line a little too
    long stays one record of the wrong length). CP932 never puts those
    bytes inside a character, so a file with line breaks always shows one within its first lines."""
    if record_length * 2 > _PEEK:
        return False
    with path.open("rb") as fh:
        head = fh.read(_PEEK)
    return len(head.rstrip(b"\x1a")) >= 2 * record_length and b"\n" not in head and b"\r" not in head


class _RecordsWithoutBreaks:
    """A file of fixed-width records written back to back, read as lines: a line break after every
    ``record_length`` bytes (a short last record stays short, so it is a wrong-length record, DAT010; a
    final Ctrl-Z is a blank line). Physical line N is then record N."""

    def __init__(self, fh: Any, record_length: int) -> None:
        self.fh, self.length = fh, record_length

    def readinto(self, view: memoryview) -> int:
        records = max(len(view) // (self.length + 1), 1)
        raw = self.fh.read(records * self.length)
        if len(raw) < records * self.length:  # the end of the file: a Ctrl-Z end-of-file mark is no data
            raw = raw.rstrip(b"\x1a")
        if not raw:
            return 0
        whole = len(raw) // self.length * self.length
        cut = np.frombuffer(raw[:whole], dtype=np.uint8).reshape(-1, self.length)
        out = np.hstack([cut, np.full((len(cut), 1), 10, dtype=np.uint8)]).tobytes()
        if whole < len(raw):
            out += raw[whole:] + b"\n"
        view[:len(out)] = out
        return len(out)
