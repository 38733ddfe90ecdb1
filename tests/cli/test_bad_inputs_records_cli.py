"""Acceptance table, part 1: bad inputs to people, programs, queries and the global
options are refused on SQLite and on PostgreSQL: exit 1, one `Error: ` line on
stderr naming the problem, no traceback, nothing on stdout, no event written.

Part 2 (pairings and their references) is in test_bad_inputs_pairings_cli.py.
The world is the populated one (E1..E4, spring-2026, P1 E1->E2, P2 E2->E3,
P3 E3->E4; today 2026-11-22). Fragments are matched case-insensitively; where
the wording is still being decided they are a key word ("date", "utf-8").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import LONG_TEXT, TOO_LONG, Backend, assert_refused

from domain.vocabulary import ERASED

BAD = "bad\udcff"  # what Python makes of argv bytes that are not UTF-8
UTF8 = "utf-8"
JOINED = ("joining date", "--joined")  # not "date": "nothing to update" contains it

ADD = ("person", "add", "E9", "--name", "N")
UPDATE = ("person", "update", "E1")
LEAVE = ("person", "leave", "E2")
LAUNCH = ("program", "launch", "x", "--name", "X")
CLOSE = ("program", "close", "spring-2026")
FORGET = ("person", "forget", "E1")
FORGET_E9 = ("person", "forget", "E9")
PEOPLE_CSV = str(Path(__file__).resolve().parents[2] / "docs" / "examples" / "people.csv")

ROWS = [
    # person add
    pytest.param(("person", "add", "E9\n", "--name", "N"), "person id", id="add id newline"),
    pytest.param(("person", "add", "bad id!", "--name", "N"), "person id", id="add bad id"),
    pytest.param(("person", "add", "E1", "--name", "Ada"), "already registered", id="add dup"),
    pytest.param(("person", "add", "E9", "--name", BAD), UTF8, id="add name utf-8"),
    pytest.param((*ADD, "--email", BAD), UTF8, id="add email utf-8"),
    pytest.param((*ADD, "--department", BAD), UTF8, id="add dept utf-8"),
    pytest.param(("person", "add", "E9", "--name", LONG_TEXT), TOO_LONG, id="add long name"),
    pytest.param((*ADD, "--department", LONG_TEXT), TOO_LONG, id="add long dept"),
    pytest.param((*ADD, "--email", LONG_TEXT), TOO_LONG, id="add long email"),
    pytest.param(("person", "add", "E9", "--name", " "), "name", id="add blank name"),
    pytest.param((*ADD, "--joined", ""), JOINED, id="add joined ''"),
    pytest.param((*ADD, "--joined", "2026-02-30"), "date", id="add joined feb 30"),
    pytest.param((*ADD, "--joined", "2026-12-01"), "future", id="add joined future"),
    pytest.param((*ADD, "--level", "-1"), "level", id="add level -1"),
    pytest.param((*ADD, "--level", "100"), "level", id="add level 100"),
    pytest.param((*ADD, "--level", "x"), "level", id="add level x"),
    # person update
    pytest.param(("person", "update", "E9", "--level", "3"), "unknown person", id="update E9"),
    pytest.param(("person", "update", "E1\n", "--level", "3"), "person", id="update id newline"),
    pytest.param(UPDATE, "nothing to update", id="update nothing"),
    pytest.param((*UPDATE, "--joined", "2026-03-01"), "join", id="update joined after pairing"),
    pytest.param((*UPDATE, "--joined", ""), JOINED, id="update joined ''"),
    pytest.param((*UPDATE, "--department", BAD), UTF8, id="update dept utf-8"),
    pytest.param((*UPDATE, "--department", LONG_TEXT), TOO_LONG, id="update long dept"),
    pytest.param((*UPDATE, "--name", LONG_TEXT), TOO_LONG, id="update long name"),
    pytest.param((*UPDATE, "--level", "100"), "level", id="update level 100"),
    # person leave
    pytest.param(("person", "leave", "E9"), "unknown person", id="leave E9"),
    pytest.param((*LEAVE, "--on", ""), "date", id="leave on ''"),
    pytest.param((*LEAVE, "--on", "2026-11-23"), "future", id="leave future"),
    pytest.param(("person", "leave", "E1", "--on", "2019-03-31"), "before", id="leave early"),
    pytest.param((*LEAVE, "--reason", BAD), UTF8, id="leave reason utf-8"),
    pytest.param((*LEAVE, "--reason", LONG_TEXT), TOO_LONG, id="leave long reason"),
    # person forget (forgetting twice: tests/cli/test_erasure_cli.py)
    pytest.param((*FORGET_E9, "--reason", "r"), "unknown person", id="forget E9"),
    pytest.param((*FORGET, "--reason", ""), "empty", id="forget empty reason"),
    pytest.param((*FORGET, "--reason", "  "), "empty", id="forget blank reason"),
    pytest.param((*FORGET, "--reason", LONG_TEXT), TOO_LONG, id="forget long reason"),
    pytest.param((*FORGET, "--reason", BAD), UTF8, id="forget reason utf-8"),
    pytest.param(FORGET, "--reason", id="forget no reason"),
    pytest.param(("person", "add", "E9", "--name", ERASED), "reserved", id="add name [erased]"),
    pytest.param((*UPDATE, "--email", ERASED), "reserved", id="update email [erased]"),
    # program launch
    pytest.param(("program", "launch", "abc\n", "--name", "A"), "program id", id="launch newline"),
    pytest.param(("program", "launch", "Bad Slug", "--name", "A"), "program id", id="launch slug"),
    pytest.param(("program", "launch", "spring-2026", "--name", "S"), "exists", id="launch dup"),
    pytest.param(("program", "launch", "x", "--name", LONG_TEXT), TOO_LONG, id="launch long name"),
    pytest.param(("program", "launch", "x", "--name", BAD), UTF8, id="launch name utf-8"),
    pytest.param(("program", "launch", "x", "--name", " "), "name", id="launch blank name"),
    pytest.param((*LAUNCH, "--cadence", "0"), "cadence", id="cadence 0"),
    pytest.param((*LAUNCH, "--cadence", "366"), "cadence", id="cadence 366"),
    pytest.param((*LAUNCH, "--cadence", "x"), "cadence", id="cadence x"),
    pytest.param((*LAUNCH, "--on", ""), "date", id="launch on ''"),
    pytest.param((*LAUNCH, "--on", "2026-12-01"), "future", id="launch future"),
    # program close
    pytest.param(("program", "close", "nope"), "unknown program", id="close unknown"),
    pytest.param(("program", "close", "spring-2026\n"), "program", id="close slug newline"),
    pytest.param((*CLOSE, "--on", ""), "date", id="close on ''"),
    pytest.param((*CLOSE, "--on", "2026-01-04"), "before", id="close before launch"),
    pytest.param((*CLOSE, "--on", "2027-01-01"), "future", id="close future"),
    # queries
    pytest.param(("people", "--format", "xml"), "format", id="people format"),
    pytest.param(("programs", "--format", "yaml"), "format", id="programs format"),
    pytest.param(("list", "--format", "yaml"), "format", id="list format"),
    pytest.param(("list", "--direction", "sideways"), "direction", id="list direction"),
    pytest.param(("list", "--status", "paused"), "status", id="list status"),
    pytest.param(("list", "--person", BAD), UTF8, id="list person utf-8"),
    pytest.param(("show", "{p1}", "--format", "xml"), "format", id="show format"),
    pytest.param(("history", "{p1}", "--format", "html"), "format", id="history format"),
    pytest.param(("retention", "--as-of", ""), "date", id="retention as-of ''"),
    pytest.param(("retention", "--as-of", "2026-02-30"), "date", id="retention feb 30"),
    pytest.param(("retention", "--as-of", "2027-01-01"), "future", id="retention future"),
    pytest.param(("retention", "--by", "team"), "--by", id="retention by team"),
    pytest.param(("retention", "--people", "--by", "program"), "--by", id="retention people by"),
    pytest.param(("engagement", "--as-of", ""), "date", id="engagement as-of ''"),
    pytest.param(("engagement", "--by", "cohort"), "--by", id="engagement by cohort"),
    pytest.param(("engagement", "--at-risk", "--monthly"), "--monthly", id="at-risk and monthly"),
    pytest.param(("replay", "now"), "unexpected extra argument", id="replay extra argument"),
    pytest.param(("schema", "Nope"), "unknown event type", id="schema unknown"),
    pytest.param(("schema", "Mentorship.Met\n"), "unknown event type", id="schema newline"),
    pytest.param(("demo",), "already has events", id="demo on a non-empty store"),
    pytest.param(("demo", "--seed", "x"), "seed", id="demo seed x"),
    # --known-at (every query) and person/program history
    pytest.param(("list", "--known-at", "yesterday"), "timestamp", id="known-at word"),
    pytest.param(("people", "--known-at", ""), "timestamp", id="known-at ''"),
    pytest.param(("programs", "--known-at", "2026-13-01"), "timestamp", id="known-at month 13"),
    pytest.param(("show", "{p1}", "--known-at", "2026-03-01T25:00"), "timestamp",
                 id="known-at hour 25"),
    pytest.param(("history", "{p1}", "--known-at", "20260301"), "timestamp",
                 id="known-at basic form"),
    pytest.param(("retention", "--known-at", "2026-W09-1"), "timestamp", id="known-at week date"),
    pytest.param(("person", "show", "E1", "--known-at", "2026-03-01T10:00+25:00"), "timestamp",
                 id="known-at offset 25h"),
    pytest.param(("program", "show", "spring-2026", "--known-at", BAD), UTF8,
                 id="known-at utf-8"),
    pytest.param(("engagement", "--known-at", "2999-01-01"), "future", id="known-at future day"),
    pytest.param(("list", "--known-at", "2999-01-01T00:00Z"), "future", id="known-at future time"),
    pytest.param(("history", "{p1}", "--known-at", "2020-01-01"), "unknown pairing",
                 id="history before the pairing"),
    pytest.param(("person", "history", "E9"), "unknown person", id="person history E9"),
    pytest.param(("person", "history", "E1\n"), "person", id="person history newline"),
    pytest.param(("person", "history", "E1", "--known-at", "2020-01-01"), "as known at",
                 id="person history before registration"),
    pytest.param(("person", "history", "E1", "--format", "xml"), "format",
                 id="person history format"),
    pytest.param(("program", "history", "nope"), "unknown program", id="program history nope"),
    pytest.param(("program", "history", "spring-2026", "--known-at", "2020-01-01"),
                 "as known at", id="program history before launch"),
    pytest.param(("program", "history", "spring-2026", "--known-at", "x"), "timestamp",
                 id="program history known-at x"),
    # usage
    pytest.param(("bogus",), "no such command", id="unknown command"),
    pytest.param(("list", "--bogus"), "no such option", id="unknown option"),
    # retention, follow and import
    pytest.param(("retention", "--people", "--compare"), "do not apply", id="people compare"),
    pytest.param(("retention", "--people", "--causes"), "do not apply", id="people causes"),
    pytest.param(("follow", "--interval", "0"), "interval", id="follow interval 0"),
    pytest.param(("follow", "--interval", "-1"), "interval", id="follow interval -1"),
    pytest.param(("import",), "give CSV files", id="import nothing"),
    pytest.param(("import", PEOPLE_CSV, "--events", PEOPLE_CSV), "cannot be combined",
                 id="import events and csv"),
    pytest.param(("import", "--kind", "teams", PEOPLE_CSV), "--kind", id="import kind teams"),
    pytest.param(("import", "--events", PEOPLE_CSV, "--kind", "people"), "cannot be combined",
                 id="import events and kind"),
]  # fmt: skip

ACTOR_ROWS = [
    pytest.param(("--actor", ""), "actor", id="actor ''"),
    pytest.param(("--actor", "  "), "actor", id="actor blank"),
    pytest.param(("--actor", BAD), UTF8, id="actor not utf-8"),
    pytest.param(("--actor", LONG_TEXT), TOO_LONG, id="actor long"),
]

STORE_ROWS = [
    pytest.param(("--store", ":memory:", "person", "add", "E9", "--name", "N"), "store", id=":mem"),
    pytest.param(("--store", "file:x?mode=memory", "people"), "store", id="memory uri"),
    pytest.param(("--store", "", "people"), "store", id="empty store"),
    pytest.param(("--store", "{work}", "people"), "directory", id="a directory"),
    pytest.param(
        ("--store", "{work}/missing/ledger.db", "person", "add", "E9", "--name", "N"), "exist",
        id="missing directory",
    ),
    pytest.param(("--store", "mysql://x", "people"), "store", id="mysql url"),
    pytest.param(("--store", "{work}/absent.db", "people"), "store", id="people absent store"),
    pytest.param(("--store", "{work}/absent.db", "list"), "store", id="list absent store"),
    pytest.param(
        ("--store", "{work}/absent.db", "retention"), "store", id="retention absent store"
    ),
    pytest.param(("--store", "{work}/absent.db", "list", "--known-at", "2026-01-01"), "store",
                 id="known-at absent store"),
    pytest.param(("--store", "{work}/absent.db", "person", "history", "E1"), "store",
                 id="person history absent store"),
    pytest.param(("--store", "{work}/absent.db", "program", "history", "x"), "store",
                 id="program history absent store"),
    pytest.param(
        ("--store", "postgresql://postgres@127.0.0.1:5432/mentorship_absent_db", "people"),
        "does not exist", id="absent postgresql database",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "fragment"), ROWS)
def test_bad_input_is_refused_in_one_line(
    backend: Backend, argv: tuple[str, ...], fragment: str | tuple[str, ...]
) -> None:
    before = backend.count()

    result = backend.run(*[backend.fill(arg) for arg in argv])

    assert_refused(result, fragment, before, backend.count())


@pytest.mark.parametrize(("global_options", "fragment"), ACTOR_ROWS)
def test_a_bad_actor_is_refused_in_one_line(
    backend: Backend, global_options: tuple[str, ...], fragment: str | tuple[str, ...]
) -> None:
    # Through the real root group: --actor is read there. No dates, so the real today is fine.
    before = backend.count()

    result = backend.run_root(*global_options, "person", "update", "E1", "--level", "8")

    assert_refused(result, fragment, before, backend.count())


@pytest.mark.parametrize(("argv", "fragment"), STORE_ROWS)
def test_a_bad_store_is_refused_and_nothing_is_created(
    backend: Backend,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: tuple[str, ...],
    fragment: str | tuple[str, ...],
) -> None:
    # $MENTORSHIP_STORE names this backend's store; --store overrides it.
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    before = backend.count()

    result = backend.run_root(*[backend.fill(arg, work=str(work)) for arg in argv])

    created = sorted(p.name for p in work.iterdir())
    also = [f"created {created}"] if created else []
    assert_refused(result, fragment, before, backend.count(), also)


@pytest.mark.parametrize("seconds", ["x", "0", "-3"])
def test_a_bad_lock_timeout_is_refused_in_one_line(backend: Backend, seconds: str) -> None:
    before = backend.count()

    result = backend.run_root("person", "update", "E1", "--level", "8",
                              env={"MENTORSHIP_LOCK_TIMEOUT": seconds})  # fmt: skip

    assert_refused(
        result, "MENTORSHIP_LOCK_TIMEOUT must be a whole number", before, backend.count()
    )
