"""A seeded synthetic organisation for demos and benchmarks.

Everything is built in memory through the domain's own commands, simulated in
date order (so every domain rule holds), and saved in chunks of about ten
thousand events per transaction. The same seed and `today` give the same events.

Engaged pairs log a short check-in several times per program cadence, so the
store grows by about 40 events per pairing; fading pairs meet ever more rarely
and then stop while still active (at risk, then dormant).
"""

from __future__ import annotations

import gc
import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from uuid import UUID

from eventsourcing.domain import Aggregate

from cli.synthetic_outcomes import completion_days, fade_start_days, mismatch_days, outcome
from cli.synthetic_people import SyntheticPerson, make_people
from domain.application import MentorshipLedger
from domain.errors import AlreadyExists, InvalidInput
from domain.mentorship import Direction, EndReason, Mentorship, Pairing, derive_direction
from domain.person import Departure, Person, Registration
from domain.program import Launch, Program, program_id
from domain.vocabulary import Role

CHUNK_EVENTS = 10_000  # per transaction: fewer, larger saves are much faster
MAX_ACTIVE_PAIRINGS = 3  # per person at once
LAUNCH_COHORT = 0.2  # share of pairings made in the programs' first month
# Engaged pairs meet on average this many times per program cadence. The demo
# meets a little more often than expected; the benchmark's dense check-ins make a
# million events from 25k pairings, so query times are measured at realistic size.
DEMO_CHECK_INS = 1.3
BENCHMARK_CHECK_INS = 3.5
NOTE_CHANCE, DUPLICATE_CHANCE = 0.12, 0.015
NOTES = (
    "Talked through career goals.", "Reviewed a presentation draft.", "Shadowed a client call.",
    "Practised feedback conversations.", "Walked through the new tooling.",
    "Discussed a difficult stakeholder.", "Planned next quarter's learning goals.",
)  # fmt: skip
# (direction, slug, name, cadence in days, share of pairings, fading chance when open,
#  role-reversal chance: buddies, being peers, have no roles to swap)
PROGRAMS = (
    (Direction.TRADITIONAL, "traditional", "Traditional mentoring", 30, 0.45, 0.25, 0.16),
    (Direction.REVERSE, "reverse", "Reverse mentoring", 21, 0.25, 0.35, 0.22),
    (Direction.PEER, "buddy", "Buddy program", 14, 0.30, 0.25, 0.0),
)
DEPART, PAIR, REVERSE, MEET, END, RETRACT = range(6)  # same-day order


@dataclass(frozen=True)
class SyntheticSummary:
    """Counts of what was written."""

    people: int
    programs: int
    pairings: int
    meetings: int
    reversals: int
    retractions: int
    endings: int
    departures: int
    events: int


@dataclass(frozen=True)
class _Program:
    slug: str
    direction: Direction
    cadence: int
    fade_chance: float
    reversal_chance: float


@dataclass(eq=False)
class _Pair:
    mentorship: Mentorship
    key: tuple[str, str, str]
    people: tuple[str, str]
    gap: float  # mean days between meetings while engaged
    cadence: int
    reason: EndReason | None
    fade_from: int | None  # day (ordinal) from which meetings thin out, then stop
    fade_length: int = 0
    faded: int = 0
    stopped: bool = False


@dataclass
class _Writer:
    """Collects aggregates with pending events and saves them a chunk at a time."""

    app: MentorshipLedger
    progress: Callable[[int], None] | None
    counts: dict[str, int] = field(default_factory=dict)
    dirty: dict[UUID, Aggregate] = field(default_factory=dict)
    unsaved: int = 0
    written: int = 0

    def touched(self, aggregate: Aggregate, what: str) -> None:
        self.dirty[aggregate.id] = aggregate
        self.counts[what] = self.counts.get(what, 0) + 1
        self.unsaved += 1
        if self.unsaved >= CHUNK_EVENTS:
            self.flush()

    def flush(self) -> None:
        if self.dirty:
            self.app.save(*self.dirty.values())
            self.written += self.unsaved
            self.dirty.clear()
            self.unsaved = 0
            if self.progress is not None:
                self.progress(self.written)


class _Simulation:
    def __init__(
        self, writer: _Writer, rng: random.Random, today: date, actor: str, check_ins: float
    ) -> None:
        self.writer, self.rng, self.today, self.actor = writer, rng, today, actor
        self.check_ins = check_ins
        self.last_day = today.toordinal()
        self.queue: list[tuple[int, int, int, Callable[[int], None]]] = []
        self.seq = itertools.count()
        self.people: list[SyntheticPerson] = []
        self.by_level: dict[int, list[SyntheticPerson]] = {}
        self.persons: dict[str, Person] = {}
        self.left: set[str] = set()
        self.active: dict[str, dict[UUID, _Pair]] = {}
        self.active_keys: set[tuple[str, str, str]] = set()
        self.generations: dict[tuple[str, str, str], int] = {}

    def at(self, day: int, action: int, step: Callable[[int], None]) -> None:
        if day <= self.last_day:
            heapq.heappush(self.queue, (day, action, next(self.seq), step))

    def run(self) -> None:
        while self.queue:
            day, _, _, step = heapq.heappop(self.queue)
            step(day)

    def register(self, person: SyntheticPerson) -> None:
        self.people.append(person)
        self.by_level.setdefault(person.level, []).append(person)
        self.active[person.employee_id] = {}
        registration = Registration(
            employee_id=person.employee_id, name=person.name, email=person.email,
            level=person.level, department=person.department, joined_on=person.joined_on,
        )  # fmt: skip
        aggregate = Person.register(self.actor, registration, self.today)
        self.persons[person.employee_id] = aggregate
        self.writer.touched(aggregate, "people")
        if person.leaves_on is not None:
            self.at(person.leaves_on.toordinal(), DEPART, partial(self.depart, person))

    def depart(self, person: SyntheticPerson, day: int) -> None:
        assert person.leaves_on is not None
        aggregate = self.persons[person.employee_id]
        departure = Departure(on=person.leaves_on, reason=person.leaving_reason)
        aggregate.leave(self.actor, departure, self.today)
        self.writer.touched(aggregate, "departures")
        self.left.add(person.employee_id)
        for pair in list(self.active[person.employee_id].values()):
            cause = f"person {person.employee_id} left"
            self._end(pair, person.leaves_on, EndReason.LEFT_ORGANISATION, cause)

    def available(self, person: SyntheticPerson, day: int) -> bool:
        return (
            person.joined_on.toordinal() <= day
            and person.employee_id not in self.left
            and len(self.active[person.employee_id]) < MAX_ACTIVE_PAIRINGS
        )

    def choose(
        self, program: _Program, day: int, newcomer: SyntheticPerson | None
    ) -> tuple[SyntheticPerson, SyntheticPerson] | None:
        """(mentor, mentee) whose levels fit the program's direction, or None."""
        for _ in range(50 if len(self.people) > 1 else 0):
            a = newcomer or self.rng.choice(self.people)
            peer = program.direction is Direction.PEER
            b = self.rng.choice(self.by_level[a.level] if peer else self.people)
            if a is b or (a.level == b.level) != peer:
                continue
            if not (self.available(a, day) and self.available(b, day)):
                continue
            if (program.slug, *sorted((a.employee_id, b.employee_id))) in self.active_keys:
                continue
            if program.direction is Direction.PEER:
                return b, a  # a newcomer's buddy is the colleague already there
            senior, junior = (a, b) if a.level > b.level else (b, a)
            traditional = program.direction is Direction.TRADITIONAL
            return (senior, junior) if traditional else (junior, senior)
        return None

    def pair(self, program: _Program, day: int, newcomer: SyntheticPerson | None = None) -> None:
        chosen = self.choose(program, day, newcomer)
        if chosen is None:
            return
        mentor, mentee = chosen
        low, high = sorted((mentor.employee_id, mentee.employee_id))
        key = (program.slug, low, high)
        self.generations[key] = generation = self.generations.get(key, 0) + 1
        pairing = Pairing(
            program=program.slug, mentor=mentor.employee_id, mentee=mentee.employee_id,
            direction=derive_direction(mentor.level, mentee.level), on=date.fromordinal(day),
            mentor_level=mentor.level, mentee_level=mentee.level,
        )  # fmt: skip
        mentorship = Mentorship.pair(self.actor, pairing, generation)
        self.writer.touched(mentorship, "pairings")
        for role, someone in ((Role.MENTOR, mentor), (Role.MENTEE, mentee)):
            member = self.persons[someone.employee_id]
            member.join_pairing(self.actor, mentorship.id, program.slug, role, pairing.on)
            self.writer.touched(member, "memberships")
        rng = self.rng
        reason = outcome(rng, program.direction)
        fading = reason not in (None, EndReason.COMPLETED, EndReason.MISMATCH)
        fading = fading or (reason is None and rng.random() < program.fade_chance)
        gap = program.cadence / self.check_ins
        pair = _Pair(
            mentorship, key, (low, high), gap, program.cadence, reason,
            day + fade_start_days(rng) if fading else None, rng.randint(1, 3),
        )  # fmt: skip
        self.active_keys.add(key)
        for person in pair.people:
            self.active[person][mentorship.id] = pair
        if reason is EndReason.COMPLETED:
            self.at(day + completion_days(rng), END, partial(self.end, pair))
        elif reason is EndReason.MISMATCH:
            self.at(day + mismatch_days(rng), END, partial(self.end, pair))
        if rng.random() < program.reversal_chance:
            self.at(day + rng.randint(30, 240), REVERSE, partial(self.reverse, pair))
        self.at(day + rng.randint(2, max(3, round(gap * 1.5))), MEET, partial(self.meet, pair))

    def meet(self, pair: _Pair, day: int) -> None:
        mentorship, rng = pair.mentorship, self.rng
        if not mentorship.is_active:
            return
        on, minutes = date.fromordinal(day), rng.randrange(20, 95, 5)
        note = rng.choice(NOTES) if rng.random() < NOTE_CHANCE else None
        mentorship.meet(self.actor, on, minutes, note, self.today)
        self.writer.touched(mentorship, "meetings")
        if rng.random() < DUPLICATE_CHANCE:  # logged twice; someone notices later
            number = mentorship.meet(self.actor, on, minutes, note, self.today)
            self.writer.touched(mentorship, "meetings")
            retraction = partial(self.retract, mentorship, number)
            self.at(min(day + rng.randint(1, 20), self.last_day), RETRACT, retraction)
        gap = pair.gap * rng.uniform(0.5, 1.5)
        if pair.fade_from is not None and day >= pair.fade_from:
            pair.faded += 1
            if pair.faded > pair.fade_length:
                self.stop(pair, day)
                return
            gap = max(gap, pair.cadence) * 1.6**pair.faded
        self.at(day + max(1, round(gap)), MEET, partial(self.meet, pair))

    def stop(self, pair: _Pair, day: int) -> None:
        """The pair stops meeting; a withdrawal is recorded after a silence."""
        pair.stopped = True
        if pair.reason is not None:
            silence = self.rng.randint(1, 4) * pair.cadence
            self.at(day + silence, END, partial(self.end, pair))

    def reverse(self, pair: _Pair, day: int) -> None:
        if pair.mentorship.is_active and not pair.stopped:
            on = date.fromordinal(day)
            pair.mentorship.reverse_roles(self.actor, on, None, self.today)
            self.writer.touched(pair.mentorship, "reversals")

    def end(self, pair: _Pair, day: int) -> None:
        if pair.mentorship.is_active and pair.reason is not None:
            self._end(pair, date.fromordinal(day), pair.reason)

    def _end(self, pair: _Pair, on: date, reason: EndReason, cause: str | None = None) -> None:
        pair.mentorship.end(self.actor, on, reason, None, self.today, cause)
        self.writer.touched(pair.mentorship, "endings")
        self.active_keys.discard(pair.key)
        for person in pair.people:
            del self.active[person][pair.mentorship.id]

    def retract(self, mentorship: Mentorship, number: int, day: int) -> None:
        mentorship.retract_meeting(self.actor, number, "logged twice")
        self.writer.touched(mentorship, "retractions")


def generate_organisation(
    app: MentorshipLedger,
    *,
    seed: int = 7,
    people: int = 300,
    pairings: int = 300,
    years: float = 2.0,
    today: date | None = None,
    actor: str = "demo",
    progress: Callable[[int], None] | None = None,
    check_ins_per_cadence: float = DEMO_CHECK_INS,
) -> SyntheticSummary:
    """Writes a synthetic organisation into `app`'s (empty) store: `people` people,
    three programs launched `years` before `today` and about `pairings` pairings
    with their meetings, reversals, retractions, endings and departures."""
    if people < 0 or pairings < 0 or years <= 0 or check_ins_per_cadence <= 0:
        raise InvalidInput(f"cannot generate {people} people, {pairings} pairings, {years} years")
    today = app.today() if today is None else today
    start = today - timedelta(days=round(years * 365.25))
    programs = [
        _Program(f"{prefix}-{start.year}", direction, cadence, fade, reversal)
        for direction, prefix, _, cadence, _, fade, reversal in PROGRAMS
    ]
    for program in programs:
        if program_id(program.slug) in app.repository:
            raise AlreadyExists(f"program {program.slug} already exists: use an empty store")
    rng = random.Random(seed)
    writer = _Writer(app, progress)
    sim = _Simulation(writer, rng, today, actor, check_ins_per_cadence)
    for program, (_, _, name, cadence, *_) in zip(programs, PROGRAMS, strict=True):
        title = f"{name} {start.year}"
        launch = Launch(slug=program.slug, name=title, cadence_days=cadence, on=start)
        writer.touched(Program.launch(actor, launch, today), "programs")
    for person in make_people(rng, people, start, today, years):
        sim.register(person)
    # Buddies first for newcomers, soon after they join; every other pairing at a random date.
    counts = [round(share * pairings) for *_, share, _, _ in PROGRAMS[:2]]
    counts.append(pairings - sum(counts))
    newcomers = [p for p in sim.people if p.joined_on > start]
    newcomers = rng.sample(newcomers, min(len(newcomers), counts[2] * 4 // 5))
    for person in newcomers:
        day = person.joined_on.toordinal() + rng.randint(1, 14)
        sim.at(day, PAIR, partial(sim.pair, programs[2], newcomer=person))
    counts[2] -= len(newcomers)
    first, last = start.toordinal(), today.toordinal()
    for program, count in zip(programs, counts, strict=True):
        for _ in range(count):  # a cohort at launch, then pairings all through the window
            cohort = rng.random() < LAUNCH_COHORT
            day = first + rng.randint(0, 30) if cohort else rng.randint(first, last)
            sim.at(day, PAIR, partial(sim.pair, program))
    collecting = gc.isenabled()
    gc.disable()  # nothing here makes cyclic garbage; the collector alone halved the speed
    try:
        sim.run()
        writer.flush()
    finally:
        if collecting:
            gc.enable()
    tally = writer.counts.get
    return SyntheticSummary(
        people=tally("people", 0), programs=tally("programs", 0), pairings=tally("pairings", 0),
        meetings=tally("meetings", 0), reversals=tally("reversals", 0),
        retractions=tally("retractions", 0), endings=tally("endings", 0),
        departures=tally("departures", 0), events=writer.written,
    )  # fmt: skip
