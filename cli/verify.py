"""`mentorship verify`: checks the tamper-evident hash chain over the event log."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import click

from cli.context import LedgerContext, pass_ledger
from cli.output import emit, format_option

if TYPE_CHECKING:
    from domain.chain_reader import ChainReading

HEAD = re.compile(r"^[0-9a-fA-F]{64}$")
FIELDS = ["scope", "events", "sealed", "not_sealed", "head", "expected", "expected_at"]
UNSEALED = "recorded before sealing began; the next recording seals them"


@click.command("verify")
@click.argument("pairing", required=False)
@click.option(
    "--expect",
    metavar="HASH",
    help="A head printed earlier: also check that the log still extends it.",
)
@format_option
@pass_ledger
def verify(ctx: LedgerContext, pairing: str | None, expect: str | None, fmt: str) -> None:
    """Check that no recorded event was changed, deleted, inserted or reordered.

    Recomputes the hash chain that seals every event and prints the head hash and
    the number of events; exits 1 naming the first broken event. With --expect,
    the log must still extend a head printed earlier; with PAIRING (id, 6+
    character prefix, or MENTOR/MENTEE), only that pairing's events are checked.

    Example: mentorship verify --expect "$(cat yesterdays-head.txt)"
    """
    from domain.errors import InvalidInput

    if expect is not None and not HEAD.match(expect.strip()):
        raise InvalidInput(
            f"--expect takes a head hash of 64 hex digits, as verify prints it: got {expect!r}"
        )
    if expect is not None and pairing is not None:
        raise InvalidInput("--expect checks the whole log: give it without PAIRING")
    recorder = _chain_reader(ctx)
    if pairing is None:
        result = _whole_log(recorder, bytes.fromhex(expect.strip()) if expect else None)
    else:
        result = _one_pairing(ctx, recorder, pairing)
    if result["not_sealed"]:
        click.echo(f"Warning: {result['not_sealed']} events not sealed yet: {UNSEALED}", err=True)
    emit(
        fmt,
        json=lambda: result,
        csv=lambda: (FIELDS, [[result[f] for f in FIELDS]]),
        table=lambda _width: _text(result),
    )


def _chain_reader(ctx: LedgerContext) -> ChainReading:
    from domain.chain_reader import ChainReading

    recorder, _ = ctx.event_log()
    assert isinstance(recorder, ChainReading), type(recorder)
    return recorder


def _whole_log(recorder: ChainReading, expect: bytes | None) -> dict[str, Any]:
    from domain.chain import check_log
    from domain.chain_reader import BEFORE_ALL
    from domain.errors import DamagedStore

    stop = max(recorder.chain_end(), recorder.log_end())  # the chain's end first: see docs
    verdict = check_log(
        recorder.events_from(BEFORE_ALL, stop),
        recorder.seals_from(BEFORE_ALL, stop),
        recorder,
        expect,
    )
    if verdict.broken is not None:
        position, problem = verdict.broken
        raise DamagedStore(f"the log is broken at event {position}: {problem}")
    if expect is not None and verdict.expected_at is None:
        raise DamagedStore(
            f"the log does not extend the expected head {expect.hex()}: no event's link is "
            "that hash (the events it sealed were changed, or it is another store's)"
        )
    return {
        "scope": "log",
        "events": verdict.events,
        "sealed": verdict.sealed,
        "not_sealed": verdict.events - verdict.sealed,
        "head": verdict.head.hex() if verdict.head else None,
        "expected": expect.hex() if expect else None,
        "expected_at": verdict.expected_at,
    }


def _one_pairing(ctx: LedgerContext, recorder: ChainReading, reference: str) -> dict[str, Any]:
    from domain.chain import check_positions
    from domain.errors import DamagedStore, NotFound

    pairing = ctx.views.resolve(reference, active_only=False)
    positions = recorder.aggregate_positions(pairing.hex)
    if not positions:
        raise NotFound(f"no pairing {pairing} in the store")
    events = sum(_holds(recorder, p, pairing.hex) for p in positions)
    sealing = recorder.chain_end() > 0
    if sealing:
        broken = check_positions(positions, recorder, recorder.seal_at, recorder.link_before)
        if broken is not None:
            position, problem = broken
            raise DamagedStore(f"the log is broken at event {position}: {problem}")
    return {
        "scope": str(pairing),
        "events": events,
        "sealed": events if sealing else 0,
        "not_sealed": 0 if sealing else events,
        "head": None,
        "expected": None,
        "expected_at": None,
    }


def _holds(recorder: ChainReading, position: int, aggregate: str) -> bool:
    event = recorder.event_at(position)
    return event is not None and event.originator_id == aggregate


def _text(result: dict[str, Any]) -> str:
    scope = "the whole log" if result["scope"] == "log" else f"pairing {result['scope']}"
    lines = [
        f"Checked    {scope}",
        f"Events     {result['events']}",
        f"Sealed     {result['sealed']}",
    ]
    if result["not_sealed"]:
        lines.append(f"Not sealed {result['not_sealed']} ({UNSEALED})")
    if result["scope"] == "log":
        lines.append(f"Head       {result['head'] or '(none: nothing sealed yet)'}")
    if result["expected"]:
        lines.append(f"Extends    {result['expected']} (the link of event {result['expected_at']})")
    return "\n".join(lines)


COMMANDS = [verify]
