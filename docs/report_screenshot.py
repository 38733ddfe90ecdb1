"""Regenerates docs/report-first-screen.png, the README's picture of the report.

    .venv/bin/python docs/report_screenshot.py [--seed 7] [--out docs/report-first-screen.png]

Builds the demo organisation in a temporary store (which also writes its
report), then opens that report in headless Chromium (Debian's `chromium`,
driven by Playwright from the test extra) and captures the first screen of
a laptop, 1440x900, once the charts are drawn.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def chromium() -> str:
    real = Path("/usr/lib/chromium/chromium")  # /usr/bin/chromium is a shell wrapper
    if real.exists():
        return str(real)
    found = shutil.which("chromium")
    if found is None:
        raise SystemExit("no Chromium: apt-get install chromium")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=HERE / "report-first-screen.png")
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        store, report = Path(folder) / "demo.db", Path(folder) / "demo-report.html"
        subprocess.run(
            [sys.executable, "-m", "cli", "--store", str(store), "demo", "--seed",
             str(options.seed), "--report", str(report)],
            check=True, stdout=subprocess.DEVNULL, cwd=HERE.parent,
        )  # fmt: skip
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(report.as_uri())
            page.evaluate("window.reportReady")
            page.screenshot(path=str(options.out))
            browser.close()
    print(options.out)


if __name__ == "__main__":
    main()
