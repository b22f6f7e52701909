"""A sensitive legacy value stays masked when it lands in a standard item the standard does not mark sensitive."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.conftest import DATA, run_cli

SAMPLE = DATA / "sample_data" / "extracts"
SECRET = "ヒミツ荘１０１号室"


def _kojin_with_long_former_address(tmp_path: Path) -> Path:
    lines = (SAMPLE / "juki_rdb_clean_kojin.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    fields = lines[2].split(",")
    # 前住所 (ZEN_JUSHO) is sensitive in the legacy layout; too long, it fails the length of 転入前住所_町字.
    fields[header.index("ZEN_JUSHO")] = "大阪府大阪市北区梅田一丁目" + "九" * 120 + "番地" + SECRET
    lines[2] = ",".join(fields)
    path = tmp_path / "kojin.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _all_text(folder: Path) -> str:
    out = []
    for path in folder.iterdir():
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as zf:
                out += [zf.read(n).decode("utf-8", "replace") for n in zf.namelist()]
        elif path.suffix in (".json", ".html") or path.name.endswith(".rejects.csv"):
            # The converted standard-layout file is the product and holds the data in the clear.
            out.append(path.read_text(encoding="utf-8"))
    return "\n".join(out)


def test_former_address_is_masked_in_every_report(workdir: Path, tmp_path: Path) -> None:
    kojin = _kojin_with_long_former_address(tmp_path)
    out = tmp_path / "out"
    result = run_cli("validate", str(DATA / "mappings" / "juki_rdb_jumin.xlsx"), str(kojin),
                     str(DATA / "mappings" / "juki_rdb_setai.xlsx"), str(SAMPLE / "juki_rdb_clean_setai.csv"),
                     "--out", str(out), "--quiet", "--no-store", "--format", "json", expect=1)
    assert "転入前住所_町字" in result.stdout
    assert SECRET not in result.stdout
    assert SECRET not in _all_text(out)
