"""The simulation behind `domain.synthetic.generate_organisation`: scheduled
steps in date order, each one of the application's commands."""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import partial
from uuid import UUID

from domain.application import MentorshipLedger
from domain.errors import NotAllowed
from domain.synthetic.outcomes import completion_days, fade_start_days, mismatch_days, outcome
from domain.synthetic.people import SyntheticPerson
from domain.unit_of_work import UnitOfWork
from domain.vocabulary import Direction, EndReason

PROGRESS_EVERY = 10_000  # events between progress reports
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
class ProgramPlan:
    slug: str
    direction: Direction
    cadence: int
    fade_chance: float
    reversal_chance: float


@dataclass(eq=False)
class _Pair:
    id: UUID
    people: tuple[str, str]
    gap: float  # mean days between meetings while engaged
    cadence: int
    reason: EndReason | None
    fade_from: int | None  # day (ordinal) from which meetings thin out, then stop
    fade_length: int = 0
    faded: int = 0
    stopped: bool = False
    active: bool = True


class Simulation:
    def __init__(
        self,
        ledger: MentorshipLedger,
        work: UnitOfWork,
        rng: random.Random,
        actor: str,
        check_ins: float,
        progress: Callable[[int], None] | None,
    ) -> None:
        self.ledger, self.work, self.rng, self.actor = ledger, work, rng, actor
        self.check_ins, self.progress, self.reported = check_ins, progress, 0
        self.last_day = ledger.today().toordinal()
        self.queue: list[tuple[int, int, int, Callable[[int], None]]] = []
        self.seq = itertools.count()
        self.counts: dict[str, int] = {}
        self.people: list[SyntheticPerson] = []
        self.by_level: dict[int, list[SyntheticPerson]] = {}
        self.left: set[str] = set()
        self.active: dict[str, dict[UUID, _Pair]] = {}  # person -> their active pairs

    def at(self, day: int, action: int, step: Callable[[int], None]) -> None:
        if day <= self.last_day:
            heapq.heappush(self.queue, (day, action, next(self.seq), step))

    def run(self) -> None:
        while self.queue:
            day, _, _, step = heapq.heappop(self.queue)
            step(day)

    def tally(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1
        if self.progress is not None and len(self.work) - self.reported >= PROGRESS_EVERY:
            self.reported = len(self.work)
            self.progress(self.reported)

    def register(self, person: SyntheticPerson) -> None:
        self.people.append(person)
        self.by_level.setdefault(person.level, []).append(person)
        self.active[person.employee_id] = {}
        self.ledger.register_person(
            self.actor, person.employee_id, person.name, email=person.email,
            level=person.level, department=person.department, joined_on=person.joined_on,
        )  # fmt: skip
        self.tally("people")
        if person.leaves_on is not None:
            self.at(person.leaves_on.toordinal(), DEPART, partial(self.depart, person))

    def depart(self, person: SyntheticPerson, day: int) -> None:
        """The ledger ends the person's active pairings with their departure."""
        assert person.leaves_on is not None
        ended = self.ledger.record_leaving(
            self.actor, person.employee_id, person.leaves_on, person.leaving_reason
        )
        self.tally("departures")
        self.left.add(person.employee_id)
        pairs = self.active[person.employee_id]
        for pairing in ended:
            self._forget(pairs[pairing])
            self.tally("endings")

    def available(self, person: SyntheticPerson, day: int) -> bool:
        return (
            person.joined_on.toordinal() <= day
            and person.employee_id not in self.left
            and len(self.active[person.employee_id]) < MAX_ACTIVE_PAIRINGS
        )

    def candidates(
        self, program: ProgramPlan, day: int, newcomer: SyntheticPerson | None
    ) -> Iterator[tuple[SyntheticPerson, SyntheticPerson]]:
        """(mentor, mentee) pairs whose levels fit the program's direction."""
        for _ in range(50 if len(self.people) > 1 else 0):
            a = newcomer or self.rng.choice(self.people)
            peer = program.direction is Direction.PEER
            b = self.rng.choice(self.by_level[a.level] if peer else self.people)
            if a is b or (a.level == b.level) != peer:
                continue
            if not (self.available(a, day) and self.available(b, day)):
                continue
            if program.direction is Direction.PEER:
                yield b, a  # a newcomer's buddy is the colleague already there
                continue
            senior, junior = (a, b) if a.level > b.level else (b, a)
            traditional = program.direction is Direction.TRADITIONAL
            yield (senior, junior) if traditional else (junior, senior)

    def pair(self, program: ProgramPlan, day: int, newcomer: SyntheticPerson | None = None) -> None:
        on = date.fromordinal(day)
        for mentor, mentee in self.candidates(program, day, newcomer):
            try:
                pairing = self.ledger.pair(
                    self.actor, program.slug, mentor.employee_id, mentee.employee_id, on
                )
            except NotAllowed:  # the two already have an active pairing there
                continue
            self._track(program, pairing.id, (mentor.employee_id, mentee.employee_id), day)
            return

    def _track(
        self, program: ProgramPlan, pairing: UUID, people: tuple[str, str], day: int
    ) -> None:
        self.tally("pairings")
        rng = self.rng
        reason = outcome(rng, program.direction)
        fading = reason not in (None, EndReason.COMPLETED, EndReason.MISMATCH)
        fading = fading or (reason is None and rng.random() < program.fade_chance)
        gap = program.cadence / self.check_ins
        pair = _Pair(
            pairing, people, gap, program.cadence, reason,
            day + fade_start_days(rng) if fading else None, rng.randint(1, 3),
        )  # fmt: skip
        for person in people:
            self.active[person][pairing] = pair
        if reason is EndReason.COMPLETED:
            self.at(day + completion_days(rng), END, partial(self.end, pair))
        elif reason is EndReason.MISMATCH:
            self.at(day + mismatch_days(rng), END, partial(self.end, pair))
        if rng.random() < program.reversal_chance:
            self.at(day + rng.randint(30, 240), REVERSE, partial(self.reverse, pair))
        self.at(day + rng.randint(2, max(3, round(gap * 1.5))), MEET, partial(self.meet, pair))

    def meet(self, pair: _Pair, day: int) -> None:
        if not pair.active:
            return
        rng, ledger = self.rng, self.ledger
        on, minutes = date.fromordinal(day), rng.randrange(20, 95, 5)
        note = rng.choice(NOTES) if rng.random() < NOTE_CHANCE else None
        ledger.log_meeting(self.actor, pair.id, on, minutes, note)
        self.tally("meetings")
        if rng.random() < DUPLICATE_CHANCE:  # logged twice; someone notices later
            number = ledger.log_meeting(self.actor, pair.id, on, minutes, note)
            self.tally("meetings")
            retraction = partial(self.retract, pair.id, number)
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
        if pair.active and not pair.stopped:
            self.ledger.reverse_roles(self.actor, pair.id, date.fromordinal(day))
            self.tally("reversals")

    def end(self, pair: _Pair, day: int) -> None:
        if pair.active and pair.reason is not None:
            self.ledger.end_pairing(self.actor, pair.id, date.fromordinal(day), pair.reason)
            self.tally("endings")
            self._forget(pair)

    def _forget(self, pair: _Pair) -> None:
        pair.active = False
        for person in pair.people:
            del self.active[person][pair.id]

    def retract(self, pairing: UUID, number: int, day: int) -> None:
        self.ledger.retract_meeting(self.actor, pairing, number, "logged twice")
        self.tally("retractions")
