"""Mutation testing of the rules users trust without looking: plant one bug at a time, see if a test fails.

``make mutation`` runs this script. mutmut (configured in pyproject's ``[tool.mutmut]``) copies the package
into ``mutants/``, generates every mutant of the listed modules, and runs, for each mutant it is asked about,
only the related tests that reach the mutated function. This script asks about one module at a time, a seeded
random sample of each module's mutants (``--sample 0`` for all of them), then prints the score per module and
writes the surviving mutants, with their diffs, to ``mutation-report.md``.

Mutants that cannot change behaviour (equivalent mutants) are listed with their reason in
``tests/mutation_equivalent.yaml`` and are left out of the score. Usage::

    python tools/mutation.py [--sample N] [--seed S] [--module migrator/jp/wareki.py ...]
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import random
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
MUTANTS = REPO / "mutants"
EQUIVALENT = REPO / "tests" / "mutation_equivalent.yaml"
REPORT = REPO / "mutation-report.md"
LOG = MUTANTS / "mutmut.log"
MUTMUT = [sys.executable, "-c", "import sys; from mutmut.__main__ import cli; sys.exit(cli())"]
# mutmut run with the test selection of pyproject replaced by the one in MIGRATOR_MUTATION_TESTS (a JSON list):
# mutmut traces every selected test once to learn which tests reach which function, so a smaller selection
# makes one module's run take minutes instead of half an hour on a loaded machine
# how many times mutmut's wall-clock limit a module with a time limit of its own (TIMEOUT, below) gets
WALL = 30
MUTMUT_RUN = [
    sys.executable,
    "-c",
    (
        "import json, os, sys\n"
        "import mutmut.configuration as configuration\n"
        "load = configuration._load_config\n"
        "def restricted():\n"
        "    config = load()\n"
        "    config.pytest_add_cli_args_test_selection = json.loads(os.environ['MIGRATOR_MUTATION_TESTS'])\n"
        "    if os.environ.get('MIGRATOR_MUTATION_TIMEOUT'):\n"
        "        config.timeout_multiplier, config.timeout_constant = json.loads(os.environ['MIGRATOR_MUTATION_TIMEOUT'])\n"
        "    return config\n"
        "configuration._load_config = restricted\n"
        f"WALL = {WALL}\n"
        "if os.environ.get('MIGRATOR_MUTATION_TIMEOUT'):\n"
        "    import mutmut.workers.isolation as isolation\n"
        "    register = isolation.register_timeout\n"
        "    isolation.register_timeout = lambda pid, timeout_s: register(pid, timeout_s * WALL)\n"
        "from mutmut.__main__ import cli\n"
        "sys.exit(cli())\n"
    ),
]
# The tests related to each module (a path ending in "/" stands for every module under it): the tests that can
# kill its mutants, the ones mirroring it first. A module not listed here is run against pyproject's whole
# selection (pytest_add_cli_args_test_selection).
RELATED: dict[str, list[str]] = {
    "migrator/jp/": ["tests/jp"],
    "migrator/report/masking.py": ["tests/report/test_report.py", "tests/mapping/test_layouts.py"],
    "migrator/mapping/compiler.py": ["tests/mapping"],
    "migrator/mapping/transforms.py": ["tests/mapping"],
    "migrator/validation/pandera_schema.py": [
        "tests/validation/test_pandera_schema.py",
        "tests/validation/test_checks.py",
    ],
    "migrator/validation/checks.py": ["tests/validation/test_checks.py", "tests/validation/test_pandera_schema.py",
                                     "tests/validation/test_samples.py"],
    "migrator/planning/graph.py": [
        "tests/planning/test_graph.py",
        "tests/planning/test_plan_invariants.py",
        "tests/planning/test_resources.py",
        "tests/planning/test_schedule_properties.py",
    ],
    "migrator/planning/schedule.py": [
        "tests/planning/test_calendar_cpm.py",
        "tests/planning/test_exact.py",
        "tests/planning/test_levelled.py",
        "tests/planning/test_replan.py",
        "tests/planning/test_resources.py",
        "tests/planning/test_violations.py",
        "tests/planning/test_schedule_properties.py",
        "tests/planning/test_plan_invariants.py",
    ],
    "migrator/inventory/values.py": ["tests/inventory/test_values.py", "tests/inventory/test_rows.py"],
    "migrator/inventory/vendors.py": ["tests/inventory/test_values.py", "tests/inventory/test_concurrent.py"],
}
# mutmut stops a mutant's tests after 2 * (estimate + timeout_constant) * timeout_multiplier seconds of CPU time
# (RLIMIT_CPU), or half as many seconds of wall-clock time, whichever comes first, and counts it as killed
# ("timeout"). The estimate is the wall-clock time the tests that reach the mutated function took in mutmut's
# traced run, several times their plain run. Its defaults (15 and 1 s) let a mutant that loops run for half an
# hour when the estimate is minutes: per module, (multiplier, constant) instead. With a setting of its own, a
# module's wall-clock limit is raised WALL times, so that the CPU limit decides: at nice 15 on a loaded machine
# a mutant whose tests pass can take many times its CPU time in wall-clock time (one that fails at once, 5 s of CPU
# by hand, ran past 10 times the limit among un-niced jobs), and would be counted as a timeout, hence killed. Runs of several modules take the most lenient of theirs; a module not listed keeps
# mutmut's defaults.
TIMEOUT: dict[str, tuple[float, float]] = {
    # traced estimate up to 160 s for the scheduler's functions (hypothesis problems), their plain run about
    # 15 s of CPU: a mutant that loops (a search that never ends) is stopped after 0.5 * estimate + 15 s of CPU
    # time, 20 s to 1.6 minutes
    "migrator/planning/schedule.py": (0.25, 30.0),
}
# mutmut's exit codes of one mutant's test run (mutmut/stats.py)
KILLED = {1, 3, 36, 37, -24, 24, 152, 255}  # tests failed, or ran past the time limit, or type check failed
SURVIVED = {0}
NO_TESTS = {5, 33}


@dataclass
class Score:
    module: str
    total: int
    run: int = 0
    killed: int = 0
    equivalent: int = 0
    unmeasurable: int = 0
    no_tests: int = 0
    survivors: list[str] | None = None

    @property
    def percent(self) -> str:
        """The share of the non-equivalent mutants tried that a test killed ("n/a" when none was tried)."""
        counted = self.run - self.equivalent
        return f"{100.0 * self.killed / counted:.0f} %" if counted else "n/a"


def modules() -> list[str]:
    """The files named by ``only_mutate`` in pyproject, one module each."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    files = sorted(str(p.relative_to(REPO)) for p in (REPO / "migrator").rglob("*.py"))
    return [f for f in files if any(fnmatch.fnmatch(f, pattern) for pattern in config["only_mutate"])]


def generate() -> None:
    """Copy the package into mutants/ and generate every mutant, without running any test."""
    # mutmut copies a data file of the package (catalogue, YAML tables …) only when mutants/ lacks it: bring the
    # changed ones up to date, or the tests run against the old ones
    for source in (REPO / "migrator").rglob("*"):
        copy = MUTANTS / source.relative_to(REPO)
        if (
            source.is_file()
            and source.suffix != ".py"
            and "__pycache__" not in source.parts
            and copy.exists()
            and copy.read_bytes() != source.read_bytes()
        ):
            shutil.copy2(source, copy)
    code = (
        "from mutmut.__main__ import copy_src_dir, copy_also_copy_files, setup_source_paths, "
        "store_lines_covered_by_tests, create_mutants, set_mutant_under_test\n"
        "import os; os.makedirs('mutants', exist_ok=True); set_mutant_under_test('mutant_generation')\n"
        "copy_src_dir(); copy_also_copy_files(); setup_source_paths(); store_lines_covered_by_tests()\n"
        "create_mutants(1)\n"
    )
    subprocess.run(
        ["nice", "-n", "15", sys.executable, "-c", code], cwd=REPO, check=True, stdout=subprocess.DEVNULL
    )


def results(module: str) -> dict[str, int | None]:
    meta = MUTANTS / f"{module}.meta"
    if not meta.exists():
        return {}
    return json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]


def related_tests(chosen: list[str]) -> list[str]:
    """The test selection for these modules: the union of their related tests (``RELATED``), or pyproject's
    whole selection as soon as one of them has none listed."""
    selection: list[str] = []
    for module in chosen:
        tests = next(
            (
                t
                for prefix, t in RELATED.items()
                if module == prefix or (prefix.endswith("/") and module.startswith(prefix))
            ),
            None,
        )
        if tests is None:
            config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
            return list(config["pytest_add_cli_args_test_selection"])
        selection += [t for t in tests if t not in selection]
    return selection


def timeout(chosen: list[str]) -> tuple[float, float] | None:
    """The (multiplier, constant) of mutmut's time limit for these modules (``TIMEOUT``), None for mutmut's."""
    limits = [TIMEOUT.get(module) for module in chosen]
    if not limits or None in limits:
        return None
    return max(limits)  # type: ignore[type-var]


def run(names: list[str], tests: list[str], limit: tuple[float, float] | None = None) -> int:
    """Let mutmut test these mutants against these tests, one worker at a time and at low priority (the
    machine is shared).

    mutmut's own output goes to ``mutants/mutmut.log``: when its clean run of the tests fails, no mutant is
    tried and the log says which test failed. A test selection other than the last run's makes mutmut forget
    every earlier result (and trace the new selection again): score one set of modules per run.
    """
    env = {**os.environ, "HYPOTHESIS_PROFILE": "mutation", "MIGRATOR_MUTATION_TESTS": json.dumps(tests)}
    if limit is not None:
        env["MIGRATOR_MUTATION_TIMEOUT"] = json.dumps(limit)
    with LOG.open("w", encoding="utf-8") as log:
        done = subprocess.run(
            ["nice", "-n", "15", *MUTMUT_RUN, "run", "--max-children", "1", *names],
            cwd=REPO,
            check=False,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return done.returncode


def diff(name: str) -> str:
    shown = subprocess.run([*MUTMUT, "show", name], cwd=REPO, capture_output=True, text=True, check=False)
    return shown.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=50, help="mutants per module, 0 for all (default 50)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--module", action="append", help="only this module (repeatable)")
    parser.add_argument("--report-only", action="store_true", help="score the results of earlier runs")
    args = parser.parse_args(argv)
    equivalent: dict[str, str] = yaml.safe_load(EQUIVALENT.read_text(encoding="utf-8")) or {}
    chosen = args.module or modules()
    if not args.report_only:
        generate()
    picked_by_module: dict[str, list[str]] = {}
    for module in chosen:
        names = sorted(results(module))
        if names:
            picked_by_module[module] = (
                names
                if args.sample <= 0 or args.sample >= len(names)
                else sorted(random.Random(f"{args.seed}:{module}").sample(names, args.sample))
            )
    if not args.report_only:
        for module, picked in picked_by_module.items():
            print(f"{module}: {len(picked)} of {len(results(module))} mutants", flush=True)
        # one mutmut run for all of them: it sets up (clean run of the tests involved) once, then tries
        # the mutants one after another
        tests = related_tests(list(picked_by_module))
        print(f"tests: {' '.join(tests)}", flush=True)
        limit = timeout(list(picked_by_module))
        if limit is not None:
            print(f"time limit: (estimate + {limit[1]:g} s) x {limit[0]:g}", flush=True)
        if run([name for picked in picked_by_module.values() for name in picked], tests, limit) != 0:
            print(f"mutmut stopped before trying every mutant: see {LOG.relative_to(REPO)}", file=sys.stderr)
            return 1
    scores: list[Score] = []
    for module, picked in picked_by_module.items():
        names = sorted(results(module))
        codes = results(module)
        tried = [n for n in picked if codes.get(n) is not None]
        score = Score(module, total=len(names), run=len(tried), survivors=[])
        for name in tried:
            code = codes[name]
            if name in equivalent:
                score.equivalent += 1
                # listed because this setup cannot switch them on (import-time tables), not because they are
                # harmless: counted apart so the score does not hide them
                score.unmeasurable += equivalent[name].startswith("not measurable")
            elif code in KILLED:
                score.killed += 1
            elif code in NO_TESTS:
                score.no_tests += 1
                score.survivors.append(name)  # type: ignore[union-attr]
            else:
                score.survivors.append(name)  # type: ignore[union-attr]
        scores.append(score)
        print(
            f"{module}: {score.killed}/{score.run - score.equivalent} killed ({score.percent}), "
            f"{score.equivalent} equivalent ({score.unmeasurable} of them not measurable), "
            f"{len(score.survivors or [])} survived "
            f"({score.no_tests} reached by no test); {score.run} of {score.total} mutants run",
            flush=True,
        )
    write_report(scores, equivalent, sample=args.sample, seed=args.seed)
    print(f"survivors written to {REPORT.relative_to(REPO)}")
    return 0


def write_report(scores: list[Score], equivalent: dict[str, str], *, sample: int, seed: int) -> None:
    lines = [
        "# Surviving mutants",
        "",
        f"Sample: {'all mutants' if sample <= 0 else f'{sample} per module'}, seed {seed}.",
        "",
        "| module | mutants | run | killed | equivalent | survived | score |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        lines.append(
            f"| {s.module} | {s.total} | {s.run} | {s.killed} | {s.equivalent} | "
            f"{len(s.survivors or [])} | {s.percent} |"
        )
    for s in scores:
        for name in s.survivors or []:
            lines += ["", f"## {name}", "", "```diff", diff(name), "```"]
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
