"""A seeded synthetic organisation for demos and benchmarks.

Everything is recorded through the application's own commands, simulated in
date order, inside one unit of work (one transaction, written a chunk at a
time): the rules the commands enforce (one active pairing of two people in a
program, which pairings a departure ends, meeting numbers) are theirs, not
re-implemented here. The same seed and `today` give the same events.

Engaged pairs log a short check-in several times per program cadence, so the
store grows by about 40 events per pairing; fading pairs meet ever more rarely
and then stop while still active (at risk, then dormant).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from domain.application import MentorshipLedger
from domain.errors import AlreadyExists, InvalidInput
from domain.program import program_id
from domain.synthetic.people import make_people
from domain.synthetic.simulation import (
    BENCHMARK_CHECK_INS,
    DEMO_CHECK_INS,
    LAUNCH_COHORT,
    PAIR,
    PROGRAMS,
    ProgramPlan,
    Simulation,
)

__all__ = ["BENCHMARK_CHECK_INS", "DEMO_CHECK_INS", "SyntheticSummary", "generate_organisation"]


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


def generate_organisation(
    app: MentorshipLedger,
    *,
    seed: int = 7,
    people: int = 300,
    pairings: int = 300,
    years: float = 2.0,
    actor: str = "demo",
    progress: Callable[[int], None] | None = None,
    check_ins_per_cadence: float = DEMO_CHECK_INS,
) -> SyntheticSummary:
    """Records a synthetic organisation in `app`'s (empty) store, all in one unit
    of work: `people` people, three programs launched `years` before the ledger's
    today and about `pairings` pairings with their meetings, reversals,
    retractions, endings and departures."""
    if people < 0 or pairings < 0 or years <= 0 or check_ins_per_cadence <= 0:
        raise InvalidInput(f"cannot generate {people} people, {pairings} pairings, {years} years")
    today = app.today()
    start = today - timedelta(days=round(years * 365.25))
    programs = [
        ProgramPlan(f"{prefix}-{start.year}", direction, cadence, fade, reversal)
        for direction, prefix, _, cadence, _, fade, reversal in PROGRAMS
    ]
    for program in programs:
        if program_id(program.slug) in app.repository:
            raise AlreadyExists(f"program {program.slug} already exists: use an empty store")
    rng = random.Random(seed)
    with app.unit_of_work() as work:
        sim = Simulation(app, work, rng, actor, check_ins_per_cadence, progress)
        _schedule(sim, programs, start, years, people, pairings)
        sim.run()
    if progress is not None:
        progress(len(work))
    tally = sim.counts.get
    return SyntheticSummary(
        people=tally("people", 0), programs=tally("programs", 0), pairings=tally("pairings", 0),
        meetings=tally("meetings", 0), reversals=tally("reversals", 0),
        retractions=tally("retractions", 0), endings=tally("endings", 0),
        departures=tally("departures", 0), events=len(work),
    )  # fmt: skip


def _schedule(
    sim: Simulation, programs: list[ProgramPlan], start: date, years: float, people: int,
    pairings: int,
) -> None:  # fmt: skip
    """Launches the programs, registers everyone and schedules the pairings:
    buddies first for newcomers, soon after they join; every other pairing at a
    random date (a cohort at launch, then all through the window)."""
    rng, ledger, today = sim.rng, sim.ledger, sim.ledger.today()
    for program, (_, _, name, cadence, *_) in zip(programs, PROGRAMS, strict=True):
        ledger.launch_program(sim.actor, program.slug, f"{name} {start.year}", start, cadence)
        sim.tally("programs")
    for person in make_people(rng, people, start, today, years):
        sim.register(person)
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
        for _ in range(count):
            cohort = rng.random() < LAUNCH_COHORT
            day = first + rng.randint(0, 30) if cohort else rng.randint(first, last)
            sim.at(day, PAIR, partial(sim.pair, program))
