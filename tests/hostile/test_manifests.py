"""Batch manifests: a YAML one is bounded as every YAML file is; in a CSV one, a field past the csv module's
limit is a located refusal. Never an internal error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile import builders as b
from tests.hostile.conftest import refused
from tests.hostile.test_yaml import KINDS


@pytest.mark.parametrize("kind", KINDS)
def test_a_hostile_yaml_manifest_is_refused_located(workdir: Path, kind: str) -> None:
    make, code, words, options = KINDS[kind]
    path = b.text_file(workdir, "manifest.yaml", make())
    refused(*options, "batch", str(path), code=code, places=(str(path), words))


def test_a_csv_manifest_with_a_huge_field_is_refused_at_its_line(workdir: Path) -> None:
    # 2 MiB, often a quote never closed: CORE109 at the line where the record starts, with the limit to raise.
    huge = b.text_file(workdir, "huge.csv", f"job,mapping,extract\nj,{b.MAPPING_XLSX},{b.EXTRACT_CSV}\n"
                                            f"k,\"{'x' * (2 << 20)}\n")
    res = refused("batch", str(huge), code="CORE109", places=(f"{huge}:3", "csv_field_bytes"))
    assert "--limit" in res.stderr and "MIGRATOR_LIMIT_CSV_FIELD_BYTES" in res.stderr
