"""Hostile and broken inputs, built small at test time (a zip bomb of a few hundred KB, not 300 MB).

Each builder writes one file the way a careless tool, a broken transfer or an attacker would, and
returns its path.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import zipfile
from pathlib import Path

from tests.conftest import DATA

MAPPING_XLSX = DATA / "mappings" / "juki_rdb_jumin.xlsx"
MAPPING_YAML = DATA / "mappings" / "juki_rdb_jumin.yaml"
EXTRACT_CSV = DATA / "sample_data" / "extracts" / "juki_rdb_clean_kojin.csv"
INVENTORIES = sorted((DATA / "sample_data" / "inventory").glob("*.xlsx"))
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# ---------------------------------------------------------------- files that are not regular files
def fifo(folder: Path) -> Path:
    path = folder / "input.fifo"
    os.mkfifo(path)
    return path


def symlink_loop(folder: Path) -> Path:
    a, b = folder / "loop_a.yaml", folder / "loop_b.yaml"
    a.symlink_to(b)
    b.symlink_to(a)
    return a


def dangling_symlink(folder: Path) -> Path:
    path = folder / "dangling.yaml"
    path.symlink_to(folder / "gone.yaml")
    return path


def a_folder(folder: Path) -> Path:
    path = folder / "a_folder.xlsx"
    path.mkdir()
    return path


# ---------------------------------------------------------------- workbooks
def copy(src: Path, folder: Path, name: str | None = None) -> Path:
    dest = folder / (name or src.name)
    shutil.copyfile(src, dest)
    return dest


def _rewrite(src: Path, dest: Path, edit: dict[str, bytes | None], *, extra: dict[str, bytes] | None = None) -> Path:
    """Copy the zip ``src`` to ``dest``, replacing (or, for None, keeping) the parts named in ``edit``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = edit.get(info.filename) or zin.read(info)
            zout.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
        for name, data in (extra or {}).items():
            zout.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return dest


def first_sheet(src: Path) -> str:
    with zipfile.ZipFile(src) as z:
        return sorted(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))[0]


def zip_bomb(src: Path, folder: Path, *, megabytes: int = 12) -> Path:
    """``src`` whose first sheet unpacks to ``megabytes`` MB of padding (about 1,000 times its stored size)."""
    name = first_sheet(src)
    with zipfile.ZipFile(src) as z:
        xml = z.read(name)
    cut = xml.index(b"<sheetData")
    padded = xml[:cut] + b" " * (megabytes << 20) + xml[cut:]
    return _rewrite(src, folder / f"bomb_{src.name}", {name: padded})


def edit_sheet(src: Path, folder: Path, name: str, pattern: bytes, replacement: bytes) -> Path:
    """``src`` with a regular-expression edit of its first sheet's XML."""
    part = first_sheet(src)
    with zipfile.ZipFile(src) as z:
        xml = z.read(part)
    new, n = re.subn(pattern, replacement, xml, count=1)
    assert n == 1, f"{pattern!r} not in {part}"
    return _rewrite(src, folder / name, {part: new})


def truncated(src: Path, folder: Path) -> Path:
    data = src.read_bytes()
    dest = folder / f"truncated_{src.name}"
    dest.write_bytes(data[: len(data) * 2 // 3])
    return dest


def compound_file(folder: Path, name: str, stream: str) -> Path:
    """An OLE compound file (the container of .xls and of password-protected .xlsx) naming ``stream``."""
    header = OLE_MAGIC + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00" + b"\x00" * 480
    entry = stream.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64
    dest = folder / name
    dest.write_bytes(header + entry + b"\x00" * 4096)
    return dest


def encrypted(folder: Path) -> Path:
    return compound_file(folder, "protected.xlsx", "EncryptedPackage")


def old_xls(folder: Path) -> Path:
    return compound_file(folder, "old.xlsx", "Workbook")


def text_file(folder: Path, name: str, data: bytes | str) -> Path:
    dest = folder / name
    dest.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return dest


def many_rows(src: Path, folder: Path, rows: int, *, name: str = "many_rows.xlsx") -> Path:
    """``src`` whose first sheet gets ``rows`` empty styled rows after its data (and a dimension claiming them)."""
    part = first_sheet(src)
    with zipfile.ZipFile(src) as z:
        xml = z.read(part)
    buf = io.BytesIO()
    start = 1000
    for r in range(start, start + rows):
        buf.write(b'<row r="%d" s="1" customFormat="1" ht="15"/>' % r)
    new = xml.replace(b"</sheetData>", buf.getvalue() + b"</sheetData>", 1)
    new = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', new, count=1)
    return _rewrite(src, folder / name, {part: new})


def claims_million_rows(src: Path, folder: Path) -> Path:
    """``src`` whose dimension tag claims XFD1048576 while holding its usual few cells."""
    return edit_sheet(src, folder, "claims_million_rows.xlsx", rb'<dimension ref="[^"]*"\s*/>',
                      b'<dimension ref="A1:XFD1048576"/>')


def hide_sheet(src: Path, folder: Path, sheet: str, state: str = "hidden") -> Path:
    with zipfile.ZipFile(src) as z:
        wb = z.read("xl/workbook.xml")
    pattern = re.compile(rb'(<sheet [^>]*name="' + re.escape(sheet.encode()) + rb'"[^>]*?)state="[^"]*"')
    new, n = pattern.subn(rb'\1state="' + state.encode() + b'"', wb, count=1)
    assert n == 1
    return _rewrite(src, folder / f"hidden_{src.name}", {"xl/workbook.xml": new})


def sheet_moved(src: Path, folder: Path, part: str = "xl/data/s.bin") -> Path:
    """``src`` whose first sheet is stored as ``part`` (outside xl/worksheets/), its relationships following it."""
    sheet = first_sheet(src)
    target = sheet.removeprefix("xl/")
    dest = folder / f"moved_{src.name}"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                data = data.replace(target.encode(), part.removeprefix("xl/").encode())
            zout.writestr(part if info.filename == sheet else info.filename, data)
    return dest


def shared_strings(src: Path, folder: Path, count: int) -> Path:
    """``src`` with a shared-strings table of ``count`` short strings that no cell uses."""
    table = b"".join(b"<si><t>s%d</t></si>" % n for n in range(count))
    sst = (b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           + table + b"</sst>")
    with zipfile.ZipFile(src) as z:
        types, rels = z.read("[Content_Types].xml"), z.read("xl/_rels/workbook.xml.rels")
    types = types.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                          b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    rels = rels.replace(b"</Relationships>", b'<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/'
                        b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                        b"</Relationships>")
    return _rewrite(src, folder / f"strings_{src.name}", {"[Content_Types].xml": types,
                                                          "xl/_rels/workbook.xml.rels": rels},
                    extra={"xl/sharedStrings.xml": sst})


def many_styles(src: Path, folder: Path, count: int) -> Path:
    """``src`` whose style table gets ``count`` more cell formats (as a tool writing one format per cell does)."""
    with zipfile.ZipFile(src) as z:
        styles = z.read("xl/styles.xml")
    xfs = b"".join(b'<xf numFmtId="%d" fontId="0" fillId="0" borderId="0" xfId="0"/>' % (n % 50) for n in range(count))
    new, n = re.subn(rb"(<cellXfs[^>]*>)", rb"\1" + xfs, styles, count=1)
    assert n == 1
    return _rewrite(src, folder / f"styles_{src.name}", {"xl/styles.xml": new})


def compression_method(src: Path, folder: Path, method: int = 99) -> Path:
    """``src`` whose first sheet claims zip compression ``method`` (99: WinZip AES, which Python cannot read)."""
    part = first_sheet(src)
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as z:
        offset = z.getinfo(part).header_offset
    data[offset + 8:offset + 10] = method.to_bytes(2, "little")  # the local header
    at = data.find(b"PK\x01\x02")
    while at != -1:  # the central directory's entry of the part
        size = int.from_bytes(data[at + 28:at + 30], "little")
        if data[at + 46:at + 46 + size] == part.encode():
            data[at + 10:at + 12] = method.to_bytes(2, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    dest = folder / f"method_{src.name}"
    dest.write_bytes(bytes(data))
    return dest


def many_parts(src: Path, folder: Path, count: int, *, lie: bool = False) -> Path:
    """``src`` with ``count`` more (empty) parts; with ``lie``, its zip directory's end record counts one entry."""
    dest = folder / f"parts_{src.name}"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        for n in range(count):
            zout.writestr(f"customXml/item{n:06d}.xml", b"")
    if lie:
        data = bytearray(dest.read_bytes())
        at = data.rfind(b"PK\x05\x06")
        data[at + 8:at + 12] = (1).to_bytes(2, "little") * 2  # entries on this disk, entries in all
        dest.write_bytes(bytes(data))
    return dest


def merged_over_and_over(src: Path, folder: Path, count: int) -> Path:
    """``src`` whose first sheet merges (almost) the same range ``count`` times (Excel never writes overlaps)."""
    part = first_sheet(src)
    with zipfile.ZipFile(src) as z:
        xml = z.read(part)
    ranges = b"".join(b'<mergeCell ref="A1:C%d"/>' % (20 - n % 3) for n in range(count))
    if b"<mergeCells" in xml:
        new = re.sub(rb"<mergeCells[^>]*>", b"<mergeCells>" + ranges, xml, count=1)
    else:
        new = xml.replace(b"</sheetData>", b"</sheetData><mergeCells>" + ranges + b"</mergeCells>", 1)
    return _rewrite(src, folder / f"merged_{src.name}", {part: new})


def with_sheet_extras(src: Path, folder: Path, extras: bytes, name: str = "extras.xlsx") -> Path:
    """``src`` whose first sheet gets ``extras`` (data validations, hyperlinks …) after its data."""
    part = first_sheet(src)
    with zipfile.ZipFile(src) as z:
        xml = z.read(part)
    anchor = b"<pageMargins" if b"<pageMargins" in xml else b"</worksheet>"
    return _rewrite(src, folder / name, {part: xml.replace(anchor, extras + anchor, 1)})


def many_defined_names(src: Path, folder: Path, count: int) -> Path:
    """``src`` whose workbook defines ``count`` names."""
    with zipfile.ZipFile(src) as z:
        book = z.read("xl/workbook.xml")
    names = b"".join(b'<definedName name="n%d">Sheet!$A$1</definedName>' % n for n in range(count))
    book = re.sub(rb"<definedNames\s*/>|<definedNames>", b"", book).replace(b"</definedNames>", b"")
    book = book.replace(b"</sheets>", b"</sheets><definedNames>" + names + b"</definedNames>", 1)
    return _rewrite(src, folder / f"names_{src.name}", {"xl/workbook.xml": book})
