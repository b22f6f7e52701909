"""Legacy layouts written as other vendors write them (tests/data/layouts), and extracts built on them.

``schemas/`` holds the legacy layouts, ``mappings/`` their correct mappings (the answer keys). A test points
``MIGRATOR_SCHEMAS`` at ``schemas/`` and writes small extracts row by row, so each planted defect is one row.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from migrator import jp
from tests.conftest import REPO

LAYOUTS = REPO / "tests" / "data" / "layouts"
SCHEMAS = LAYOUTS / "schemas"
MAPPINGS = LAYOUTS / "mappings"

ROMAJI_HEADER = ("ATENA_NO,SETAI_NO,JUMIN_SBT,JOTAI_KBN,IDO_YMD,IDO_JIYU_CD,SHIMEI_KJ,SEIBETSU_CD,SEINEN_YMD,"
                 "ZOKUGARA_CD,JUSHO_CD,JUSHO_KJ,YUBIN_NO,SHOJO_YMD,JUMIN_YMD")


def number(serial: int) -> str:
    """A 宛名番号 (14-digit serial + m11w27 check digit)."""
    base = f"{serial:014d}"
    return base + str(jp.m11w27_check_digit(base))


def romaji_row(serial: int, *, name: str = "山田　太郎", postal: str = "916-0001", jotai: str = "1",
               jiyu: str = "02", shojo: str = "", household: int | None = None, birth: str = "3600101",
               became: str = "4050401") -> str:
    """One resident of the romanised layout; keyword arguments plant defects."""
    return ",".join([number(serial), number(household or serial + 5000), "1", jotai, "4050401", jiyu, name, "1", birth, "01",
                     "1820100010001", "福井県鯖江市本町一丁目1番", postal, shojo, became])


def write_extract(path: Path, header: str, rows: list[str], encoding: str = "cp932") -> Path:
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode(encoding))
    return path


def mapping_copy(name: str, target: Path, items: list[dict] | None = None, **settings: str) -> Path:
    """The answer-key mapping ``name`` written to ``target`` (YAML, or a workbook for .xlsx), with settings
    changed and, if given, other item rows."""
    from migrator.mapping import load_mapping, write_mapping

    data = yaml.safe_load((MAPPINGS / f"{name}.yaml").read_text(encoding="utf-8"))
    data["settings"].update(settings)
    if items is not None:
        data["items"] = items
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    if target.suffix == ".xlsx":
        staged = target.with_suffix(".yaml")
        staged.write_text(text, encoding="utf-8")
        mapping, _ = load_mapping(staged)
        assert mapping is not None
        write_mapping(mapping, target)
        staged.unlink()
    else:
        target.write_text(text, encoding="utf-8")
    return target


@pytest.fixture
def layouts(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A work folder where the test layouts are known schemas (beside the bundled ones)."""
    monkeypatch.setenv("MIGRATOR_SCHEMAS", str(SCHEMAS))
    return workdir


FIXED_WIDTHS = (15, 15, 1, 1, 7, 2, 40, 1, 7, 2, 13, 100, 8, 7, 7)  # JUMIN_FIX: the fields of ROMAJI_HEADER, in bytes


def fixed_record(csv_row: str) -> str:
    """A romanised-layout CSV row as the host's fixed-width record (each field padded to its CP932 bytes)."""
    out = []
    for value, width in zip(csv_row.split(","), FIXED_WIDTHS, strict=True):
        pad = width - len(value.encode("cp932"))
        assert pad >= 0, value
        out.append(value + " " * pad)
    return "".join(out)
