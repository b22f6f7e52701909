"""Outputs only where asked: checked before the work, confined to --out, unique, never replaced silently."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.hostile import builders as b
from tests.hostile.conftest import refused

FILE_OUTPUTS: dict[str, list[str]] = {
    "mapping export": ["mapping", "export", str(b.MAPPING_XLSX), "-o", "{o}"],
    "mapping import": ["mapping", "import", str(b.MAPPING_YAML), "-o", "{o}"],
    "schema import": ["schema", "import", str(b.MAPPING_XLSX), "-o", "{o}"],
    "inventory export": ["inventory", "export", "-o", "{o}"],
    "plan export": ["plan", "export", "--format", "json", "-o", "{o}"],
    "risk export": ["risk", "export", "{o}", "--format", "json"],
    "risk list --out": ["risk", "list", "--format", "json", "--out", "{o}"],
}

PLACES: dict[str, tuple[str, str]] = {
    "in /proc": ("/proc/migrator-out.yaml", "system folder"),
    "in /sys": ("/sys/migrator/out.yaml", "system folder"),
    "a device": ("/dev/null", "system folder"),
    "below a regular file": ("{w}/afile/out.yaml", "is a file, not a folder"),
    "onto a folder": ("{w}/afolder", "not a file"),
}


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("command", FILE_OUTPUTS)
def test_output_file_that_cannot_be_written_is_refused_up_front(workdir: Path, command: str, place: str) -> None:
    (workdir / "afile").write_text("keep me", encoding="utf-8")
    (workdir / "afolder").mkdir()
    target, words = PLACES[place]
    target = target.format(w=workdir)
    refused(*[target if a == "{o}" else a for a in FILE_OUTPUTS[command]], code="CORE120", places=(target, words))
    assert (workdir / "afile").read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize("target", ["{w}/afile", "/proc/migrator", "{w}/afile/below"])
@pytest.mark.parametrize("command", ["run", "demo", "samples"])
def test_output_folder_that_cannot_be_written_is_refused_up_front(workdir: Path, command: str, target: str) -> None:
    (workdir / "afile").write_text("keep me", encoding="utf-8")
    target = target.format(w=workdir)
    args = {"run": ["mapping", "run", str(b.MAPPING_XLSX), str(b.EXTRACT_CSV), "--no-store", "--out", target],
            "demo": ["demo", "--out", target], "samples": ["samples", target]}[command]
    refused(*args, code="CORE120", places=(target,))
    assert (workdir / "afile").read_text(encoding="utf-8") == "keep me"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_read_only_folder_is_refused(workdir: Path) -> None:
    folder = workdir / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    refused("mapping", "export", str(b.MAPPING_XLSX), "-o", str(folder / "x.yaml"), code="CORE120",
            places=(str(folder),))


def test_replacing_an_existing_file_is_said(workdir: Path) -> None:
    first = run_cli("mapping", "export", str(b.MAPPING_XLSX), "-o", "m.yaml")
    assert "replaced" not in first.stdout
    again = run_cli("mapping", "export", str(b.MAPPING_XLSX), "-o", "m.yaml")
    assert "Wrote m.yaml (replaced the existing file)" in again.stdout


def _mapping_with_id(folder: Path, mapping_id: str) -> Path:
    text = b.MAPPING_YAML.read_text(encoding="utf-8").replace("juki-rdb-to-001-jumin", mapping_id, 1)
    return b.text_file(folder, "evil.yaml", text)


@pytest.mark.parametrize("mapping_id", ["../../escaped", "/tmp/absolute", "..\\..\\windows", "a/b", "CON", "x:y"])
def test_output_names_from_mapping_ids_stay_inside_out(workdir: Path, mapping_id: str) -> None:
    mapping = _mapping_with_id(workdir, mapping_id)
    out = workdir / "deep" / "out"
    res = run_cli("mapping", "run", str(mapping), str(b.EXTRACT_CSV), "--out", str(out), "--no-store", expect=None)
    assert res.exit_code in (0, 1), res.stderr
    assert "CORE121" in res.stdout
    written = {p.relative_to(workdir) for p in workdir.rglob("*") if p.is_file()} - {Path("evil.yaml")}
    assert written and all(p.parts[:2] == ("deep", "out") or p.parts[0] == ".migrator" for p in written), written
    assert not Path("/tmp/absolute.csv").exists()


def test_two_jobs_of_one_run_never_share_an_output(workdir: Path) -> None:
    out = workdir / "out"
    res = run_cli("mapping", "run", str(b.MAPPING_XLSX), str(b.EXTRACT_CSV), str(b.MAPPING_XLSX), str(b.EXTRACT_CSV),
                  "--out", str(out), "--no-store", expect=None)
    assert "CORE122" in res.stdout
    converted = sorted(p.name for p in out.glob("*.csv") if not p.name.endswith(".rejects.csv"))
    assert converted == ["juki-rdb-to-001-jumin-2.csv", "juki-rdb-to-001-jumin.csv"]
    assert (out / "juki-rdb-to-001-jumin.csv").read_bytes() == (out / "juki-rdb-to-001-jumin-2.csv").read_bytes()


def _planted(workdir: Path, name: str) -> tuple[Path, Path]:
    """``workdir/out`` with a link named ``name`` to a precious file beside it: (out, the file)."""
    out = workdir / "out"
    out.mkdir()
    victim = workdir / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    (out / name).symlink_to(victim)
    return out, victim


def test_symlink_planted_in_out_is_not_written_through(workdir: Path) -> None:
    out, victim = _planted(workdir, "juki-rdb-to-001-jumin.csv")
    refused("mapping", "run", str(b.MAPPING_XLSX), str(b.EXTRACT_CSV), "--out", str(out), "--no-store",
            code="CORE120", places=("juki-rdb-to-001-jumin.csv", "outside the output folder"))
    assert victim.read_text(encoding="utf-8") == "precious"


@pytest.mark.parametrize("command", ["mapping export", "mapping import", "schema import"])
def test_symlink_at_an_output_file_is_replaced_never_written_through(workdir: Path, command: str) -> None:
    victim = workdir / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    name = "out.xlsx" if command == "mapping import" else "out.yaml"
    (workdir / name).symlink_to(victim)
    args = [name if a == "{o}" else a for a in FILE_OUTPUTS[command]]
    if command == "schema import":  # a table-definition workbook, so that there is something to write
        args[2] = str(b.DATA / "schemas" / "examples" / "juki_rdb_table_definition.xlsx")
    res = run_cli(*args, expect=None)
    assert res.exit_code in (0, 1), res.stdout + res.stderr
    assert victim.read_text(encoding="utf-8") == "precious"
    assert not (workdir / name).is_symlink() and (workdir / name).stat().st_size > 0
    assert f"Wrote {name} (replaced the existing file)" in res.stdout
    assert [p.name for p in workdir.iterdir() if p.name.endswith(".part")] == []


def test_symlink_at_a_report_or_export_file_is_replaced(workdir: Path) -> None:
    from migrator.limits import write_output_text
    from migrator.report import Report, write_report

    victim = workdir / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    for name in ("r.json", "r.html", "r.xlsx", "r.txt", "plain.md"):
        (workdir / name).symlink_to(victim)
        if name == "plain.md":
            write_output_text(workdir / name, "text", private=True)
            assert (workdir / name).stat().st_mode & 0o777 == 0o600
        else:
            write_report(Report.of("probe", []), workdir / name, private=True)
        assert not (workdir / name).is_symlink(), name
    assert victim.read_text(encoding="utf-8") == "precious"


def test_samples_replace_a_symbolic_link_never_write_through_it(workdir: Path) -> None:
    victim = workdir / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    (workdir / "tour" / "mappings").mkdir(parents=True)
    planted = workdir / "tour" / "mappings" / "juki_rdb_jumin.yaml"
    planted.symlink_to(victim)
    dangling = workdir / "tour" / "mappings" / "juki_rdb_setai.yaml"
    dangling.symlink_to(workdir / "nothing-here.txt")
    run_cli("samples", "tour")  # without --force: the links stay links, nothing is created through them
    assert planted.is_symlink() and dangling.is_symlink() and not (workdir / "nothing-here.txt").exists()
    run_cli("samples", "tour", "--force")
    assert not planted.is_symlink() and planted.read_text(encoding="utf-8").startswith("format: migrator.mapping/1")
    assert not dangling.is_symlink() and not (workdir / "nothing-here.txt").exists()
    assert victim.read_text(encoding="utf-8") == "precious"


def test_symlink_planted_in_out_for_the_parquet_output_is_refused(workdir: Path) -> None:
    out, victim = _planted(workdir, "juki-rdb-to-001-jumin.parquet")
    refused("mapping", "run", str(b.MAPPING_XLSX), str(b.EXTRACT_CSV), "--out", str(out), "--no-store", "--parquet",
            code="CORE120", places=("juki-rdb-to-001-jumin.parquet", "outside the output folder"))
    assert victim.read_text(encoding="utf-8") == "precious"


def test_an_out_folder_given_as_a_link_still_says_what_it_replaced(workdir: Path) -> None:
    (workdir / "real").mkdir()
    (workdir / "linked").symlink_to(workdir / "real")
    args = ("mapping", "run", str(b.MAPPING_XLSX), str(b.EXTRACT_CSV), "--out", "linked", "--no-store")
    assert "replaced" not in run_cli(*args, expect=None).stdout
    assert "Wrote linked/juki-rdb-to-001-jumin.csv (replaced the existing file)" in run_cli(*args, expect=None).stdout


@pytest.mark.parametrize("named", ["extract", "mapping"])
def test_an_output_that_would_replace_an_input_of_the_run_is_refused(workdir: Path, named: str) -> None:
    # --out is the folder the inputs are in, and one of them bears the name of an output: the converted file
    # (named after the mapping ID) or a report. The run would have replaced the user's extract or mapping.
    mapping = b.copy(b.MAPPING_XLSX, workdir, "report.xlsx" if named == "mapping" else None)
    extract = b.copy(b.EXTRACT_CSV, workdir, "juki-rdb-to-001-jumin.csv" if named == "extract" else None)
    before = {p.name: p.read_bytes() for p in (mapping, extract)}
    victim = extract if named == "extract" else mapping
    refused("validate", str(mapping), str(extract), "--no-store", "--quiet", "--out", str(workdir),
            code="CORE120", places=(str(victim), "input of this run"))
    assert {p.name: p.read_bytes() for p in (mapping, extract)} == before
    assert sorted(p.name for p in workdir.iterdir() if p.is_file()) == sorted(before)  # nothing else left
