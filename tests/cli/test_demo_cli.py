"""`mentorship demo`: a seeded synthetic organisation in an empty store.

The demo runs in this module into `--store a.db` (SQLite, shared by the tests),
and, with the same seed, into the global `--store b.db` on SQLite and on
PostgreSQL. The generator's exact counts belong to its own tests; here the
summary must agree with what the other commands read back from the store, and
the reports must match the report commands. The demo uses the real today.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from backends import Stores
from cli_helpers import CLEAN_ENV, RefusedFn, World, one_error_line
from click.testing import CliRunner, Result

from cli.main import cli

SUMMARY = re.compile(
    r"^Demo organisation written to (?P<store>.+) \(seed 3\): (?P<people>\d+) people, "
    r"(?P<programs>\d+) programs, (?P<pairings>\d+) pairings, (?P<meetings>\d+) meetings, "
    r"(?P<reversals>\d+) reversals, (?P<endings>\d+) endings, "
    r"(?P<retractions>\d+) retractions, (?P<departures>\d+) departures "
    r"\((?P<events>\d+) events\)\.$"
)


SQLITE_FILE = "about SQLite file paths"


def invoke(*args: str) -> Result:
    runner = CliRunner(env={**CLEAN_ENV, "MENTORSHIP_ACTOR": "demo-runner"})
    return runner.invoke(cli, list(args), catch_exceptions=True)


def succeeded(*args: str) -> Result:
    result = invoke(*args)
    assert result.exit_code == 0, (result.output, result.exception)
    return result


class Demo:
    def __init__(self, folder: Path) -> None:
        self.store = folder / "a.db"
        self.result = succeeded("--store", str(folder / "unused.db"), "demo",
                                "--store", str(self.store), "--seed", "3")  # fmt: skip
        self.lines = self.result.stdout.splitlines()
        match = SUMMARY.match(self.lines[0])
        assert match is not None, self.lines[0]
        self.summary = match.groupdict()
        self.count = {k: int(v) for k, v in self.summary.items() if k != "store"}

    def query(self, *args: str) -> str:
        return succeeded("--store", str(self.store), *args).stdout

    def json(self, *args: str) -> Any:
        return json.loads(self.query(*args, "--format", "json"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return Demo(tmp_path_factory.mktemp("demo"))


def _section(lines: list[str], title: str) -> list[str]:
    """The lines after the one starting with `title`, up to the next blank line or the end."""
    start = next(i for i, line in enumerate(lines) if line.startswith(title)) + 1
    end = lines.index("", start) if "" in lines[start:] else len(lines)
    return lines[start:end]


def test_demo_summary_names_the_store_and_the_seed(demo: Demo) -> None:
    assert demo.summary["store"] == str(demo.store)
    assert demo.count["people"] > 0 and demo.count["pairings"] > 0
    assert demo.count["programs"] == 3


def test_demo_ends_with_the_retention_and_engagement_tables(demo: Demo) -> None:
    titles = [line for line in demo.lines if line.endswith("):") and " as of " in line]

    assert [re.sub(r"\d{4}-\d\d-\d\d", "D", t) for t in titles] == [
        "Retention as of D (by direction at pairing):",
        "Engagement as of D (active pairings, by current direction):",
    ]
    for title in ("Retention as of", "Engagement as of"):
        assert _section(demo.lines, title)[0].split() == ["traditional", "reverse", "peer"]
    assert demo.lines[-1].startswith("never met")  # the engagement table's last row
    assert demo.result.stderr.splitlines()[-2:] == [
        f"Try: mentorship --store {demo.store} list --status active | head",
        f"     mentorship --store {demo.store} engagement --at-risk",
    ]


def test_demo_tables_match_the_report_commands(demo: Demo) -> None:
    retention = demo.query("retention").splitlines()
    engagement = demo.query("engagement").splitlines()

    assert _section(demo.lines, "Retention as of") == retention[1:]
    assert _section(demo.lines, "Engagement as of") == engagement[1:]


def test_demo_summary_agrees_with_what_the_store_holds(demo: Demo) -> None:
    people = demo.json("people")
    pairings = demo.json("list")

    assert len(people) == demo.count["people"]
    assert sum(1 for p in people if p["left_on"] is not None) == demo.count["departures"]
    assert len(demo.json("programs")) == demo.count["programs"]
    assert len(pairings) == demo.count["pairings"]
    assert sum(p["reversals"] for p in pairings) == demo.count["reversals"]
    # A retracted meeting stays recorded but no longer counts.
    counted = demo.count["meetings"] - demo.count["retractions"]
    assert sum(p["meetings"] for p in pairings) == counted
    replayed = re.match(r"Replayed (\d+) events", demo.query("replay"))
    assert replayed is not None and int(replayed.group(1)) == demo.count["events"]


def test_demo_records_events_as_the_current_actor(demo: Demo) -> None:
    first = demo.json("list")[0]["id"]

    actors = {event["actor"] for event in demo.json("history", first)["events"]}

    assert actors == {"demo-runner"}


def test_demo_refuses_a_store_that_already_has_events(demo: Demo) -> None:
    before = demo.query("replay")

    message = one_error_line(invoke("demo", "--store", str(demo.store), "--seed", "3"))

    assert message == (
        f"Error: store {demo.store} already has events; the demo needs an empty store "
        "(choose one with --store)"
    )
    assert demo.query("replay").split(" in ")[0] == before.split(" in ")[0]


@pytest.mark.sqlite_only(reason=SQLITE_FILE)
def test_demo_refuses_a_directory_as_its_store(tmp_path: Path) -> None:
    message = one_error_line(invoke("demo", "--store", str(tmp_path)))

    assert message == f"Error: store '{tmp_path}' is a directory, not a database file"
    assert list(tmp_path.iterdir()) == []


def test_demo_refuses_the_global_store_when_it_has_events(
    populated: World, store: str, refused: RefusedFn
) -> None:
    message = refused("demo", "--seed", "3")

    assert message == (
        f"Error: store {store} already has events; the demo needs an empty store "
        "(choose one with --store)"
    )


def test_the_same_seed_gives_the_same_organisation(
    demo: Demo, stores: Stores, tmp_path: Path
) -> None:
    other = stores("b.db")  # on SQLite and on PostgreSQL: the same as the SQLite demo
    report = str(tmp_path / "report.html")  # a PostgreSQL demo's default is the working folder

    result = succeeded("--store", other, "demo", "--seed", "3", "--report", report)

    assert result.stdout.splitlines()[0] == demo.lines[0].replace(str(demo.store), other)
    again = succeeded("--store", other, "list", "--format", "json").stdout
    assert again == demo.query("list", "--format", "json")


def test_demo_writes_the_html_report_beside_its_store(demo: Demo) -> None:
    report = demo.store.with_name("a-report.html")

    assert f"Report (open it in a browser): {report}" in demo.result.stderr.splitlines()
    page = report.read_text(encoding="utf-8")
    block = page.split('<script type="application/json" id="report-data">')[1]
    data = json.loads(block.split("</script>")[0])
    assert data["retention"] == demo.json("retention")
    assert data["engagement"] == demo.json("engagement")
