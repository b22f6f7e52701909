"""The business areas as data: each with its Japanese name (stored, matched) and an English name for English outputs."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
import yaml

from migrator.inventory.areas import AREAS, AREAS_EN, CORE_AREAS, area_label, resolve_area
from tests.conftest import DATA, run_cli

INVENTORY = sorted(str(p) for p in (DATA / "sample_data" / "inventory").glob("*.xlsx"))
# The 20 areas of the law as the brief of the standard names them, and how migrator numbers them.
LAW = {"001": "住民基本台帳", "006": "選挙人名簿管理", "012": "固定資産税", "010": "個人住民税", "011": "法人住民税",
       "013": "軽自動車税", "003": "戸籍", "004": "戸籍の附票", "002": "印鑑登録", "017": "学齢簿編製",
       "019": "健康管理", "020": "児童扶養手当", "021": "生活保護", "022": "障害者福祉", "023": "介護保険",
       "024": "国民健康保険", "025": "後期高齢者医療", "026": "国民年金", "027": "児童手当", "028": "子ども・子育て支援"}


def test_every_area_has_its_japanese_name_and_an_english_one() -> None:
    assert list(AREAS) == [f"{n:03d}" for n in range(1, 38)] and AREAS.keys() == AREAS_EN.keys()
    assert {code: AREAS[code] for code in CORE_AREAS} == LAW
    assert all(AREAS_EN[c] and not any("\u3040" <= ch <= "\u9fff" for ch in AREAS_EN[c]) for c in AREAS)
    assert len(set(AREAS_EN.values())) == len(AREAS_EN)
    assert AREAS_EN["001"] == "Basic Resident Register" and AREAS_EN["023"] == "Long-Term Care Insurance"


def test_the_data_file_says_where_the_english_names_come_from() -> None:
    data = yaml.safe_load((resources.files("migrator.inventory") / "areas.yaml").read_text(encoding="utf-8"))
    assert "migrator's own renderings" in data["source"]["en"] and "official" in data["source"]["en"]


@pytest.mark.parametrize("code", sorted(AREAS))
def test_an_english_name_reads_back_as_its_area(code: str) -> None:
    assert resolve_area(AREAS_EN[code]) == code and resolve_area(AREAS_EN[code].upper()) == code


def test_a_label_is_the_stored_name_in_japanese_and_the_english_name_in_english() -> None:
    assert area_label("024", "国民健康保険", "ja") == "国民健康保険"
    assert area_label("024", "国民健康保険", "en") == "National Health Insurance"
    assert area_label("999", "独自業務", "en") == "独自業務"  # not a known area: as stored


@pytest.fixture
def stored(workdir: Path) -> Path:
    run_cli("inventory", "import", *INVENTORY, "--partial", "--format", "json", expect=None)
    return workdir


def test_inventory_list_names_the_areas_in_the_chosen_language(stored: Path) -> None:
    en = run_cli("--lang", "en", "inventory", "list").stdout
    ja = run_cli("--lang", "ja", "inventory", "list").stdout
    assert "001 Basic Resident Register" in en and "住民基本台帳" not in en
    assert "001 住民基本台帳" in ja and "Basic Resident Register" not in ja
    # JSON is the data, the same in either language: the area's number and the standard's name
    listed = json.loads(run_cli("--lang", "en", "inventory", "list", "--format", "json").stdout)
    assert listed == json.loads(run_cli("--lang", "ja", "inventory", "list", "--format", "json").stdout)
    juki = next(s for s in listed["systems"] if s["area_code"] == "001")
    assert juki["area_name"] == "住民基本台帳"


def test_an_english_inventory_export_names_the_areas_in_english_and_imports_back(stored: Path) -> None:
    import openpyxl

    run_cli("--lang", "en", "inventory", "export", "-o", "en.xlsx")
    areas = {row[2] for row in openpyxl.load_workbook("en.xlsx").worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert "001 Basic Resident Register" in areas and not any("住民基本台帳" in str(a) for a in areas)
    before = json.loads(run_cli("inventory", "list", "--format", "json").stdout)["systems"]
    run_cli("inventory", "import", "en.xlsx", "--format", "json", expect=None)
    after = json.loads(run_cli("inventory", "list", "--format", "json").stdout)["systems"]
    assert [(s["area_code"], s["area_name"]) for s in after] == [(s["area_code"], s["area_name"]) for s in before]


def test_plan_and_risk_reports_name_the_areas_in_the_chosen_language(stored: Path) -> None:
    import openpyxl

    run_cli("plan", "build", "--start", "2025-04-01", "--scenario", "base")
    for lang, name, other in (("en", "Basic Resident Register", "住民基本台帳"),
                              ("ja", "住民基本台帳", "Basic Resident Register")):
        run_cli("--lang", lang, "plan", "export", "-s", "base", "--format", "xlsx", "-o", f"plan_{lang}.xlsx")
        tasks = openpyxl.load_workbook(f"plan_{lang}.xlsx").worksheets[0]
        areas = {row[3] for row in tasks.iter_rows(min_row=2, values_only=True)}
        assert name in areas and other not in areas
        run_cli("--lang", lang, "plan", "export", "-s", "base", "--format", "html", "-o", f"plan_{lang}.html")
        assert f"<td>{name}</td>" in Path(f"plan_{lang}.html").read_text(encoding="utf-8")
        risks = json.loads(run_cli("--lang", lang, "risk", "list", "-m", "132012", "--scenario", "base",
                                   "--as-of", "2025-07-01", "--no-store", "--format", "json").stdout)
        juki = [c for c in risks["concerns"] if c["area_code"] == "001"]
        assert juki and all(c["area_name"] == "住民基本台帳" and c["area_label"] == name for c in juki)
        text = run_cli("--lang", lang, "risk", "list", "-m", "132012", "--scenario", "base", "--as-of",
                       "2025-07-01", "--no-store").stdout
        assert name in text and other not in text


@pytest.mark.parametrize(("written", "code"), [
    ("国民健康保険（資格・賦課）", "024"), ("介護保険(認定)", "023"), ("個人住民税（市県民税）", "010"),
    ("軽自動車税【種別割】", "013"), ("住民基本台帳（住基）", "001"), ("024 国民健康保険（資格）", "024"),
    ("（その他）", None), ("文書管理（庶務）", None),
])
def test_an_area_with_a_remark_in_brackets_is_the_area(written: str, code: str | None) -> None:
    assert resolve_area(written) == code
