from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from backends import Stores
from eventsourcing.domain import DomainEventProtocol

from domain.application import MentorshipLedger
from domain.errors import AlreadyExists
from domain.mentorship import Direction, EndReason, Mentorship
from domain.person import Person
from domain.program import Program
from domain.synthetic import SyntheticSummary, generate_organisation

TODAY = date(2025, 6, 30)


def ledger(path: Path) -> MentorshipLedger:
    return MentorshipLedger(str(path), today=lambda: TODAY)


def stored_events(app: MentorshipLedger) -> list[DomainEventProtocol[Any]]:
    notifications = app.recorder.select_notifications(start=1, limit=10**7)
    return [app.mapper.to_domain_event(n) for n in notifications]


def payloads(app: MentorshipLedger) -> list[tuple[str, Any, int, Any]]:
    return [
        (type(e).__qualname__, e.originator_id, e.originator_version, vars(e)["payload"])
        for e in stored_events(app)
    ]


class Demo:
    def __init__(self, app: MentorshipLedger, summary: SyntheticSummary, progress: list[int]):
        self.app, self.summary, self.progress = app, summary, progress
        self.events = stored_events(app)
        paired = [e for e in self.events if isinstance(e, Mentorship.Paired)]
        self.pairings = [app.get_pairing(e.originator_id) for e in paired]
        people = [e for e in self.events if isinstance(e, Person.Registered)]
        ids = [e.payload.employee_id for e in people]
        self.people = {i: app.get_person(i) for i in ids}


@pytest.fixture
def new_ledger(stores: Stores) -> Iterator[Callable[[str], MentorshipLedger]]:
    """Ledgers on the test's named stores, SQLite or PostgreSQL; closed afterwards."""
    opened: list[MentorshipLedger] = []

    def _open(name: str) -> MentorshipLedger:
        opened.append(MentorshipLedger(stores(name), today=lambda: TODAY))
        return opened[-1]

    yield _open
    for app in opened:
        app.close()


# The demo organisation's statistics do not depend on the backend; it is written
# once per module, on SQLite, as writing it again on PostgreSQL would only cost time.
@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    app = ledger(tmp_path_factory.mktemp("demo") / "demo.db")
    progress: list[int] = []
    summary = generate_organisation(app, progress=progress.append)
    return Demo(app, summary, progress)


def test_the_same_seed_writes_the_same_organisation_twice(
    new_ledger: Callable[[str], MentorshipLedger],
) -> None:
    first, second = new_ledger("a.db"), new_ledger("b.db")
    summary = generate_organisation(first, seed=3, people=80, pairings=80)
    assert generate_organisation(second, seed=3, people=80, pairings=80) == summary
    assert payloads(first) == payloads(second)


def test_different_seeds_write_different_organisations(
    new_ledger: Callable[[str], MentorshipLedger],
) -> None:
    first, second = new_ledger("a.db"), new_ledger("b.db")
    generate_organisation(first, seed=1, people=80, pairings=80)
    generate_organisation(second, seed=2, people=80, pairings=80)
    assert payloads(first) != payloads(second)


def test_the_demo_has_a_few_hundred_people_and_pairings_in_three_programs(demo: Demo) -> None:
    s = demo.summary
    assert (s.people, s.programs) == (300, 3)
    assert 280 <= s.pairings <= 300 and len(demo.pairings) == s.pairings
    assert 4_000 <= s.events <= 7_000  # about one meeting per cadence for engaged pairs
    slugs = {p.program for p in demo.pairings}
    assert slugs == {"traditional-2023", "reverse-2023", "buddy-2023"}


def test_the_summary_counts_exactly_what_was_written(demo: Demo) -> None:
    s = demo.summary
    assert s.events == demo.app.recorder.max_notification_id() == len(demo.events)
    kinds = Counter(type(e).__qualname__ for e in demo.events)
    assert kinds == {
        "Person.Registered": s.people,
        "Person.LeftOrganisation": s.departures,
        "Program.Launched": s.programs,
        "Mentorship.Paired": s.pairings,
        "Person.PairingJoined": 2 * s.pairings,  # recorded on the mentor and the mentee
        "Mentorship.Met": s.meetings,
        "Mentorship.RolesReversed": s.reversals,
        "Mentorship.MeetingRetracted": s.retractions,
        "Mentorship.Ended": s.endings,
    }
    assert demo.progress and demo.progress[-1] == s.events
    assert demo.progress == sorted(demo.progress)


def test_all_three_directions_are_present_and_fit_the_levels(demo: Demo) -> None:
    directions = Counter(p.direction_at_pairing for p in demo.pairings)
    assert set(directions) == set(Direction)
    shares = {d: n / len(demo.pairings) for d, n in directions.items()}
    assert 0.35 < shares[Direction.TRADITIONAL] < 0.55
    assert 0.15 < shares[Direction.REVERSE] < 0.35
    assert 0.2 < shares[Direction.PEER] < 0.4
    buddies = [p for p in demo.pairings if p.direction_at_pairing is Direction.PEER]
    assert buddies and not any(p.reversals for p in buddies)  # peers have no roles to swap
    for event in demo.events:
        if isinstance(event, Mentorship.Paired):
            pairing = event.payload
            assert pairing.mentor_level is not None and pairing.mentee_level is not None
            expected = {
                Direction.TRADITIONAL: pairing.mentor_level > pairing.mentee_level,
                Direction.REVERSE: pairing.mentor_level < pairing.mentee_level,
                Direction.PEER: pairing.mentor_level == pairing.mentee_level,
            }
            assert expected[pairing.direction], pairing


def test_the_demo_has_reversals_retractions_departures_and_varied_endings(demo: Demo) -> None:
    s = demo.summary
    assert s.reversals >= 10 and s.retractions >= 3 and 15 <= s.departures <= 50
    assert 0.005 < s.retractions / s.meetings < 0.03
    reasons = Counter(p.end_reason for p in demo.pairings if not p.is_active)
    assert EndReason.COMPLETED in reasons and EndReason.LEFT_ORGANISATION in reasons
    assert reasons[EndReason.MENTEE_WITHDREW] + reasons[EndReason.MENTOR_WITHDREW] > 0
    assert EndReason.MISMATCH in reasons and len(reasons) >= 5
    assert reasons.most_common(1)[0][0] is EndReason.COMPLETED
    active = sum(p.is_active for p in demo.pairings) / len(demo.pairings)
    assert 0.3 < active < 0.6


def test_some_active_pairs_have_faded_out(demo: Demo) -> None:
    cadence = {"traditional": 30, "reverse": 21, "buddy": 14}
    quiet = [
        p
        for p in demo.pairings
        if p.is_active
        and p.last_met_on is not None
        and (TODAY - p.last_met_on).days > cadence[p.program.split("-")[0]]
    ]
    assert len(quiet) >= 5


def test_every_pairing_obeys_the_domain_rules(demo: Demo) -> None:
    launched = [e for e in demo.events if isinstance(e, Program.Launched)]
    launch = launched[0].payload.on
    assert launch == TODAY - timedelta(days=730)  # app.today() is the default
    active_keys: set[tuple[str, ...]] = set()
    for p in demo.pairings:
        people = [demo.people[p.mentor], demo.people[p.mentee]]
        assert p.paired_on >= launch
        for person in people:
            assert person.joined_on is not None and p.paired_on >= person.joined_on
            if person.left_on is not None:
                assert p.paired_on <= person.left_on
                assert p.ended_on is not None and p.ended_on <= person.left_on
        dates = [m.on for m in p.meetings] + p.reversals
        end = p.ended_on or TODAY
        assert all(p.paired_on <= d <= end for d in dates)
        if p.is_active:
            key = (p.program, *sorted((p.mentor, p.mentee)))
            assert key not in active_keys
            active_keys.add(key)
    left = {e.originator_id for e in demo.events if isinstance(e, Person.LeftOrganisation)}
    for p in demo.pairings:
        if p.end_reason is EndReason.LEFT_ORGANISATION:
            leaver = [demo.people[x] for x in (p.mentor, p.mentee) if demo.people[x].id in left]
            assert any(person.left_on == p.ended_on for person in leaver)


def test_it_refuses_a_store_that_already_holds_the_programs(
    new_ledger: Callable[[str], MentorshipLedger],
) -> None:
    app = new_ledger("again.db")
    generate_organisation(app, people=20, pairings=10)
    with pytest.raises(AlreadyExists):
        generate_organisation(app, people=20, pairings=10)


def test_a_tiny_organisation_still_obeys_the_rules(
    new_ledger: Callable[[str], MentorshipLedger],
) -> None:
    app = new_ledger("tiny.db")
    summary = generate_organisation(app, people=1, pairings=5, years=0.5)
    assert (summary.people, summary.programs, summary.pairings) == (1, 3, 0)
    assert summary.events == app.recorder.max_notification_id()


def test_the_demo_pairings_end_like_programs_in_the_literature(demo: Demo) -> None:
    """Over the pairings followed a full year by TODAY (paired_on + 365 <= TODAY), with
    duration = (ended_on or TODAY) - paired_on in days:

    * premature closure: ended as a dropout (any reason but completed or program_closed)
      before the usual one-year commitment, duration < 365: about 30-38% of matches;
    * ended within six months: ended for any reason with duration < 183: about 20%;
    * lasted a year or more: duration >= 365, ended or still active: about 45%.
    """
    followed = [p for p in demo.pairings if p.paired_on + timedelta(days=365) <= TODAY]
    planned = (EndReason.COMPLETED, EndReason.PROGRAM_CLOSED)

    def days(p: Any) -> int:
        return ((p.ended_on or TODAY) - p.paired_on).days

    premature = sum(p.ended_on is not None and p.end_reason not in planned and days(p) < 365
                    for p in followed) / len(followed)  # fmt: skip
    early = sum(p.ended_on is not None and days(p) < 183 for p in followed) / len(followed)
    lasting = sum(days(p) >= 365 for p in followed) / len(followed)
    figures = (
        f"{len(followed)} pairings followed a year: premature closure {premature:.1%}, "
        f"ended within 6 months {early:.1%}, lasted 12 months or more {lasting:.1%}"
    )
    print(figures)
    assert len(followed) >= 150, figures
    assert 0.30 <= premature <= 0.38, figures
    assert 0.16 <= early <= 0.24, figures
    assert 0.41 <= lasting <= 0.49, figures
