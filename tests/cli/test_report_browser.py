"""The report in a real browser: headless Chromium (Debian's), driven by Playwright.

The page is written from a demo organisation (all three directions, every
section), opened from the file, and must draw its six charts with no console
error and no request beyond the file itself. Skips when Chromium or Playwright
is missing, unless MENTORSHIP_REQUIRE_BROWSER=1 (CI), where that fails instead.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import CLEAN_ENV
from click.testing import CliRunner

from cli.main import cli

CHARTS = 6  # survival, endings, monthly, health, cohorts, participants


@pytest.fixture(scope="module")
def chromium() -> str:
    """The system Chromium and an importable Playwright, or skip (or fail in CI)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    reason = None
    if path is None:
        reason = "no Chromium installed (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "Playwright is not installed (pip install -e '.[test]')"
    if reason is not None:
        if os.environ.get("MENTORSHIP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"MENTORSHIP_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    assert path is not None
    # Debian's /usr/bin/chromium is a shell wrapper; Playwright needs the binary.
    real = Path("/usr/lib/chromium/chromium")
    return str(real) if real.exists() else path


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    runner = CliRunner(env={**CLEAN_ENV, "MENTORSHIP_ACTOR": "browser-test"})
    store = str(folder / "demo.db")
    demo = runner.invoke(cli, ["--store", store, "demo", "--seed", "3"])
    assert demo.exit_code == 0, demo.output
    out = folder / "report.html"
    written = runner.invoke(cli, ["--store", store, "report", "--out", str(out)])
    assert written.exit_code == 0, written.output
    return out


def test_the_report_draws_its_charts_offline_without_errors(
    chromium: str, report_file: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(report_file.as_uri())
            drawn: Any = page.evaluate("window.reportReady")
            plots = page.locator(".js-plotly-plot").count()
            traces = page.evaluate(
                "Array.from(document.querySelectorAll('.js-plotly-plot'))"
                ".map(p => p.querySelectorAll('g.trace').length)"
            )
            page.screenshot(path=str(tmp_path / "report.png"))
        finally:
            browser.close()

    assert errors == []
    assert requests == [report_file.as_uri()]  # the page itself, and nothing else
    assert drawn == CHARTS and plots == CHARTS
    assert all(count > 0 for count in traces), traces
    assert (tmp_path / "report.png").stat().st_size > 10_000
