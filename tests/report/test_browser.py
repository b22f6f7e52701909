"""The HTML reports in a real browser: headless Chromium opens the validation report, the plan page and the demo
summary of one demo run at 1,280 px and checks that the main column does not overflow sideways, that the
headline figures are on the page, that nothing is fetched from the network and that no script error occurs.
Screenshots are written next to the pages (the test's temporary folder) for a person to look at.

Chromium is driven by its command line only (``--dump-dom`` of a copy of the page with a small probe script
added), so no browser-automation package is needed. Without a ``chromium`` binary the tests are skipped and say
why; ``.ci/run`` installs the Debian package where it is missing.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.shared_demo import demo_folder, in_folder

CHROMIUM = next(
    (p for name in ("chromium", "chromium-browser", "google-chrome") if (p := shutil.which(name))), None
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium binary on PATH (Debian: apt-get install -y chromium; .ci/run does this)",
)

WIDTH = 1280
# Installed first in <head>: script errors and console.error calls are collected for the probe.
_CATCH = (
    "<script>window.__errors=[];window.addEventListener('error',function(e){__errors.push(String(e.message))});"
    "(function(){var c=console.error;console.error=function(){__errors.push([].join.call(arguments,' '));"
    "return c.apply(console,arguments);};})();</script>"
)
# Run after the page has loaded: what the test checks, written into the page for --dump-dom to carry out.
_PROBE = (
    "<script>window.addEventListener('load',function(){var r=document.documentElement,b=document.body;"
    "var wide=[].filter.call(b.children,function(e){return e.getBoundingClientRect().right>window.innerWidth+1;})"
    ".map(function(e){return e.tagName+'.'+e.className;});"
    "var o={scrollWidth:r.scrollWidth,innerWidth:window.innerWidth,wide:wide,errors:__errors,"
    "requests:performance.getEntriesByType('resource').map(function(e){return e.name;}),text:b.innerText};"
    "var p=document.createElement('pre');p.id='__probe';p.textContent=JSON.stringify(o);b.appendChild(p);});"
    "</script>"
)
_OFFLINE = [
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
]


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            f"--window-size={WIDTH},900",
            *_OFFLINE,
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def probe(page: Path) -> dict[str, object]:
    """Open a copy of ``page`` with the probe added and return what the probe saw; screenshot the original."""
    html = page.read_text(encoding="utf-8")
    probed = page.with_name(page.stem + ".probe.html")
    probed.write_text(
        html.replace("<head>", "<head>" + _CATCH, 1).replace("</body>", _PROBE + "</body>", 1),
        encoding="utf-8",
    )
    dom = _chromium("--dump-dom", probed.as_uri()).stdout
    found = re.search(r'<pre id="__probe">(.*?)</pre>', dom, re.S)
    assert found, f"the probe did not run on {page.name}"
    _chromium(f"--screenshot={page.with_suffix('.png')}", page.as_uri())
    import html as html_lib

    return json.loads(html_lib.unescape(found.group(1)))  # type: ignore[no-any-return]


def static_urls(page: Path) -> list[str]:
    """Addresses the page itself names for loading (src, href, CSS url/@import), apart from the SVG namespace."""
    html = page.read_text(encoding="utf-8")
    urls = re.findall(r"""(?:src|href)\s*=\s*["']((?:https?:)?//[^"']*)""", html)
    urls += re.findall(r"""(?:url\(|@import\s+)["']?((?:https?:)?//[^"')]*)""", html)
    return urls


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The outputs of a demo run in Japanese (the language that needs fonts and wraps)."""
    folder = demo_folder("ja", tmp_path_factory)
    with in_folder(folder):
        plan = json.loads(run_cli("plan", "show", "--scenario", "demo", "--format", "json").stdout)
    (folder / "plan-summary.json").write_text(json.dumps({k: v for k, v in plan.items() if k != "tasks"}))
    (folder / "plan-tasks.json").write_text(json.dumps(plan["tasks"], ensure_ascii=False), encoding="utf-8")
    yield folder / "out"


def _check(page: Path, figures: list[str]) -> None:
    seen = probe(page)
    assert seen["errors"] == [], f"{page.name}: script errors {seen['errors']}"
    assert seen["requests"] == [], f"{page.name}: fetched {seen['requests']}"
    assert static_urls(page) == [], f"{page.name}: names external addresses {static_urls(page)}"
    assert seen["scrollWidth"] <= seen["innerWidth"] == WIDTH, (
        f"{page.name}: overflows sideways: {seen['wide']}"
    )
    assert seen["wide"] == []
    for figure in figures:
        assert figure in str(seen["text"]), f"{page.name}: the figure {figure!r} is not on the page"
    assert page.with_suffix(".png").stat().st_size > 0


def test_validation_report_in_a_browser(demo_out: Path) -> None:
    folder = demo_out / "validation" / "mainframe"
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    summary = report["summary"]
    figures = [
        f"{summary['rows_rejected']:,} / {summary['rows_in']:,}",
        f"エラー {report['counts']['error']} 件",
    ]
    _check(folder / "report.html", figures)


def test_plan_page_in_a_browser(demo_out: Path) -> None:
    plan = json.loads((demo_out.parent / "plan-summary.json").read_text(encoding="utf-8"))
    late = [t for t in plan_tasks(demo_out) if t["late_days"]]
    headline = [
        f"完了予定: {plan['finish']}",
        f"{plan['makespan_days']} 営業日",
        f"下限: {plan['bound_days']} 営業日",
        f"差 {plan['gap_pct']} %",
        f"期限に遅れるシステム: {len({(t['municipality_code'], t['area_code'], t['system_name']) for t in late})}"
        if late
        else "すべてのシステムが期限内に切り替わります",
    ]
    _check(demo_out / "plan.html", headline)


def plan_tasks(demo_out: Path) -> list[dict[str, object]]:
    return json.loads((demo_out.parent / "plan-tasks.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_demo_summary_in_a_browser(demo_out: Path) -> None:
    summary = json.loads((demo_out / "demo-summary.json").read_text(encoding="utf-8"))["summary"]
    totals = summary["totals"]
    _check(demo_out / "demo-summary.html", [f"エラー {totals['error']} 件", f"警告 {totals['warning']} 件"])
