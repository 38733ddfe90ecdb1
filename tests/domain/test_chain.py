"""The hash chain on plain lists: sealing, and what a broken link is reported as.

Three events of two aggregates, A (versions 1 and 2) and B (version 1), at
positions 1-3; each test damages the list the way a tampered table would read.
"""

from __future__ import annotations

import struct
from hashlib import sha256
from uuid import UUID

from domain.chain import (
    GENESIS,
    Recorded,
    Seal,
    canonical,
    check_log,
    check_positions,
    link_of,
    seal,
    seal_rows,
    stamp_of,
)

A, B = "a" * 32, "b" * 32
MET = "domain.mentorship:Mentorship.Met"


def state(stamp: str, minutes: int) -> bytes:
    return b'{"timestamp":"%s","actor":"x","payload":{"minutes":%d}}' % (stamp.encode(), minutes)


EVENTS = [
    Recorded(1, A, 1, MET, state("2026-01-01T09:00:00+00:00", 30)),
    Recorded(2, B, 1, MET, state("2026-01-02T09:00:00+00:00", 45)),
    Recorded(3, A, 2, MET, state("2026-01-03T09:00:00+00:00", 60)),
]
SEALS = seal(GENESIS, EVENTS)


class Store:
    """The look-ups a recorder gives, over lists."""

    def __init__(self, events: list[Recorded], seals: list[Seal]) -> None:
        self.events, self.seals = events, seals

    def seal_position_of(self, originator_id: str, version: int) -> int | None:
        found = [s.position for s in self.seals if (s.originator_id, s.originator_version)
                 == (originator_id, version)]  # fmt: skip
        return found[0] if found else None

    def seal_position_with_state(self, state_hash: bytes, other_than: int) -> int | None:
        found = [s.position for s in self.seals
                 if s.state_hash == state_hash and s.position != other_than]  # fmt: skip
        return found[0] if found else None

    def event_at(self, position: int) -> Recorded | None:
        return next((e for e in self.events if e.position == position), None)

    def seal_at(self, position: int) -> Seal | None:
        return next((s for s in self.seals if s.position == position), None)

    def link_before(self, position: int) -> bytes:
        before = [s.link for s in self.seals if s.position < position]
        return before[-1] if before else GENESIS


def check(events: list[Recorded], seals: list[Seal] = SEALS) -> tuple[int, str] | None:
    return check_log(events, seals, Store(events, seals)).broken


def name(aggregate: str, version: int) -> str:
    return f"aggregate {UUID(aggregate)} version {version}"


def test_each_link_is_sha256_of_the_tag_the_previous_link_and_the_length_prefixed_event() -> None:
    link = GENESIS
    for event in EVENTS:
        encoded = (
            struct.pack(
                ">qqIII", event.position, event.originator_version, 32, len(MET), len(event.state)
            )
            + event.originator_id.encode()
            + MET.encode()
            + event.state
        )
        link = sha256(b"mentorship-ledger chain v1\x00" + link + encoded).digest()

    verdict = check_log(EVENTS, SEALS, Store(EVENTS, SEALS))

    assert [s.link for s in SEALS][-1] == link
    assert (verdict.events, verdict.sealed, verdict.head, verdict.broken) == (3, 3, link, None)


def test_the_encoding_keeps_field_boundaries() -> None:
    one = Recorded(1, A, 1, "ab", b"c")
    other = Recorded(1, A, 1, "a", b"bc")

    assert canonical(one) != canonical(other)


def test_a_seal_keeps_the_aggregate_version_state_hash_and_timestamp() -> None:
    assert SEALS[2] == Seal(3, A, 2, sha256(EVENTS[2].state).digest(),
                            "2026-01-03T09:00:00+00:00", SEALS[2].link)  # fmt: skip


def test_a_state_without_a_plain_timestamp_is_sealed_without_a_stamp() -> None:
    event = (1, A, 1, "x", b"\x00encrypted")

    (seal,) = seal_rows(GENESIS, [event])

    assert seal[3:5] == (sha256(b"\x00encrypted").digest(), None)
    assert seal[5] == link_of(GENESIS, Recorded(*event))


def test_a_changed_payload_is_named() -> None:
    events = [
        EVENTS[0],
        EVENTS[1]._replace(state=state("2026-01-02T09:00:00+00:00", 46)),
        EVENTS[2],
    ]

    assert check(events) == (2, "its payload or actor was changed")


def test_a_changed_timestamp_is_named_with_both_times() -> None:
    events = [*EVENTS[:2], EVENTS[2]._replace(state=state("2025-12-31T09:00:00+00:00", 60))]

    assert check(events) == (
        3,
        "its timestamp was changed from 2026-01-03T09:00:00+00:00 to 2025-12-31T09:00:00+00:00",
    )


def test_a_changed_timestamp_and_payload_are_named_together() -> None:
    events = [*EVENTS[:2], EVENTS[2]._replace(state=state("2025-12-31T09:00:00+00:00", 5))]

    assert check(events) == (
        3,
        "its timestamp (from 2026-01-03T09:00:00+00:00 to 2025-12-31T09:00:00+00:00) "
        "and its payload were changed",
    )


def test_swapped_payloads_name_the_other_event() -> None:
    first, last = EVENTS[0], EVENTS[2]
    events = [first._replace(state=last.state), EVENTS[1], last._replace(state=first.state)]

    assert check(events) == (1, "its payload was swapped with event 3's")


def test_a_copied_payload_names_where_it_came_from() -> None:
    events = [EVENTS[0]._replace(state=EVENTS[2].state), *EVENTS[1:]]

    assert check(events) == (1, "its payload was copied from event 3")


def test_a_deleted_event_is_named_with_what_was_sealed_there() -> None:
    assert check([EVENTS[0], EVENTS[2]]) == (2, f"it was deleted (it was {name(B, 1)})")


def test_a_deleted_last_event_is_found_from_its_seal() -> None:
    assert check(EVENTS[:2]) == (3, f"it was deleted (it was {name(A, 2)})")


def test_an_inserted_event_has_no_seal() -> None:
    extra = Recorded(4, B, 2, MET, state("2026-01-04T09:00:00+00:00", 10))

    assert check([*EVENTS, extra]) == (4, "it was inserted: it has no seal")


def test_reordered_rows_name_where_the_event_was_sealed() -> None:
    events = [EVENTS[0], EVENTS[2]._replace(position=2), EVENTS[1]._replace(position=3)]

    assert check(events) == (
        2,
        f"the rows were reordered: it holds {name(A, 2)}, sealed as event 3",
    )


def test_a_replaced_row_names_both_events() -> None:
    events = [EVENTS[0], Recorded(2, B, 7, MET, EVENTS[1].state), EVENTS[2]]

    assert check(events) == (
        2,
        f"the row was replaced: it holds {name(B, 7)}, but {name(B, 1)} was sealed here",
    )


def test_a_changed_topic_is_named() -> None:
    events = [EVENTS[0], EVENTS[1]._replace(topic="domain.mentorship:Mentorship.Bogus"), EVENTS[2]]

    assert check(events) == (2, "its topic or its seal was changed")


def test_an_encrypted_state_change_is_named_without_reading_it() -> None:
    sealed = [Recorded(1, A, 1, MET, b"\x93\x01opaque")]
    events = [Recorded(1, A, 1, MET, b"\x93\x01OPAQUE")]

    assert check(events, seal(GENESIS, sealed)) == (1, "its stored state was changed")


def test_an_unsealed_store_is_not_broken_its_events_are_counted() -> None:
    verdict = check_log(EVENTS, [], Store(EVENTS, []))

    assert (verdict.events, verdict.sealed, verdict.head, verdict.broken) == (3, 0, None, None)


def test_once_sealing_began_an_unsealed_first_event_is_broken() -> None:
    assert check(EVENTS, SEALS[1:]) == (1, "it was inserted: it has no seal")


def test_an_expected_head_is_found_at_its_position() -> None:
    verdict = check_log(EVENTS, SEALS, Store(EVENTS, SEALS), expect=SEALS[1].link)

    assert verdict.expected_at == 2


def test_a_head_from_a_rewritten_log_is_not_found() -> None:
    rewritten = [EVENTS[0], EVENTS[1]._replace(state=state("2026-01-02T09:00:00+00:00", 1))]
    resealed = seal(GENESIS, [*rewritten, EVENTS[2]])
    events = [*rewritten, EVENTS[2]]

    verdict = check_log(events, resealed, Store(events, resealed), expect=SEALS[2].link)

    assert (verdict.broken, verdict.expected_at) == (None, None)


def test_one_aggregate_is_checked_against_the_links_before_its_events() -> None:
    damaged = [EVENTS[0]._replace(state=state("2026-01-01T09:00:00+00:00", 31)), *EVENTS[1:]]
    store = Store(damaged, SEALS)

    assert check_positions([2], store, store.seal_at, store.link_before) is None
    assert check_positions([1, 3], store, store.seal_at, store.link_before) == (
        1,
        "its payload or actor was changed",
    )


def test_the_timestamp_is_read_only_from_plain_json() -> None:
    assert stamp_of(EVENTS[0].state) == "2026-01-01T09:00:00+00:00"
    assert stamp_of(b"gAAAAencrypted") is None


def test_a_tampered_aggregate_id_that_is_no_uuid_is_shown_as_stored() -> None:
    events = [EVENTS[0], EVENTS[1]._replace(originator_id="not-a-uuid"), EVENTS[2]]

    assert check(events) == (
        2,
        f"the row was replaced: it holds aggregate 'not-a-uuid' version 1, but {name(B, 1)} "
        "was sealed here",
    )
