"""The demo summary finds exactly the defects planted in the sample extract (sample_data/README.md)."""

from __future__ import annotations

from migrator.jp.demo import summarize_extract
from tests.conftest import REPO


def test_summary_of_sample_extract() -> None:
    summary = summarize_extract((REPO / "sample_data/extracts/juki_mainframe.dat").read_bytes())
    assert summary["encoding"] == "cp932"
    assert summary["records"] == 2999  # one record is cut to 600 bytes
    assert summary["birth_date_status"] == {"invalid": 2, "ok": 2997}
    assert summary["invalid_mynumber"] == 3
    assert summary["invalid_lg_code"] == 1
    assert summary["invalid_atena_number"] == 0
    assert summary["unmapped_gaiji"] == [{"codepoint": "U+E00A", "count": 2}]
