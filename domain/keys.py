"""Per-person keys that make personal data erasable (crypto-shredding).

Every person registered gets a random 256-bit key in the `person_keys` table,
beside the events but never in the event log. Each personal value (name,
email, leaving reason, notes) is stored sealed: AES-GCM with a fresh nonce per
value, under the key of each person it is about. A note is about both people
of a pairing, so it is sealed twice, the inner layer under one key and the
outer under the other: destroying either key makes it unreadable. Forgetting
a person destroys their key; the events, and any hash chain over them, stay
exactly as they were.

A sealed value is a string `SEAL + "<ref>[,<ref>]:" + base64(nonce + ciphertext)`,
a ref being a person's aggregate id in hex (outer layer first). The prefix
starts with a control character that no name or email may hold, so a value
without it is plaintext, as in stores written before this release.

`cryptography` is imported only when a value is sealed or opened.
"""

from __future__ import annotations

import base64
import os
from binascii import a2b_base64
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any
from uuid import UUID

import orjson

from domain.errors import ConcurrentUpdate, DamagedStore, NotAllowed
from domain.key_table import TABLE, KeyTable, NewKey, Row
from domain.vocabulary import ERASED

SEAL = "\x1fsealed:"
_SEAL_LENGTH = len(SEAL)
KEY_BYTES = 32
NONCE_BYTES = 12
LOST = (
    "the key table ({table}) has no key for person {who}: their personal data cannot be "
    "read; restore {table} from a key backup (see docs/audit.md)"
)


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(SEAL)


def ref(person: UUID) -> str:
    return person.hex


class KeyRing:
    """The keys of one store (`domain.key_table`), cached for the process.

    A key is live (bytes), destroyed (the person was forgotten: `None`), or
    missing: never created (a person registered before keys existed, whose
    values are plaintext) or lost with the key table.
    """

    def __init__(self, recorder: Any) -> None:
        """`recorder` None: a ring that never reads a table (`offline`)."""
        self.recorder = recorder
        self.table = KeyTable(recorder) if recorder is not None else None
        self._keys: dict[str, bytes | None] = {}
        self._employees: dict[str, str] = {}
        self._loaded_all = False
        self._registered_sealed: dict[str, bool] = {}
        self._pairing_people: dict[UUID, tuple[UUID, UUID]] = {}
        self.left_over: str | None = None  # what old copy of the last destroyed key remains

    @classmethod
    def offline(cls, rows: Iterable[Row]) -> KeyRing:
        """A ring holding `rows` and reading no table: for a process that only
        seals values (`domain.log_import`'s worker), whose new keys another stores."""
        ring = cls(None)
        ring._remember(rows)
        ring._loaded_all = True
        return ring

    @property
    def _table(self) -> KeyTable:
        assert self.table is not None, "an offline key ring reads no table"
        return self.table

    def create_table(self) -> None:
        self._table.create()

    def create(self, people: Iterable[tuple[UUID, str]], within: Any = None) -> None:
        """Keys for newly registered people (aggregate id, employee id), in one
        transaction (`within` a batch's open one, if given); a key that exists
        already is kept (a lost race, a retry)."""
        rows = [(ref(p), e, os.urandom(KEY_BYTES)) for p, e in people if ref(p) not in self._keys]
        if rows:
            self._remember(self._table.insert(rows, within))

    def reserve(self, person: UUID, employee_id: str) -> NewKey | None:
        """A key made and remembered now for a person registered in a batch, so
        that their values can be sealed at once: the row to store (`store`) in
        the transaction that stores their events. None if they have a key already."""
        if not self._loaded_all:
            self._key(ref(person))
        if ref(person) in self._keys:
            return None
        row = (ref(person), employee_id, os.urandom(KEY_BYTES))
        self._remember((row,))
        return row

    def store(self, rows: Sequence[NewKey], within: Any) -> None:
        """Stores reserved keys (here or in an offline ring) in the open
        transaction `within`; a key another writer stored first for the same
        person fails the batch."""
        if rows and sorted(self._table.insert(rows, within)) != sorted(rows):
            raise ConcurrentUpdate(
                "another writer registered the same people while the batch ran; "
                "nothing was written: try again"
            )
        self._remember(rows)

    def known(self) -> list[Row]:
        """Every key the store holds (read once), to hand to an offline ring."""
        if not self._loaded_all:
            self._remember(self._table.read())
            self._loaded_all = True
        return [(p, self._employees.get(p, p), key) for p, key in self._keys.items()]

    def destroy(self, person: UUID, when: str) -> bool:
        """Destroys a person's key; False if there was no live key."""
        destroyed = self._table.destroy(ref(person), when)
        self._keys[ref(person)] = None
        self.left_over = self._table.scrub()
        return destroyed

    def _remember(self, rows: Iterable[Row]) -> None:
        for person_id, employee_id, key in rows:
            self._keys[person_id] = key
            self._employees[person_id] = employee_id

    def _key(self, person: str) -> bytes | bool | None:
        """The live key, None if destroyed, False if missing."""
        if person not in self._keys and self.table is not None:
            # Listings open many values: the first miss reads the whole table.
            self._remember(self.table.read(person if self._loaded_all else None))
            self._loaded_all = True
        return self._keys.get(person, False)

    def employee(self, person: str) -> str:
        return self._employees.get(person, person)

    def status(self, person: UUID) -> str:
        """"live", "forgotten" or "plaintext" (registered before keys existed);
        `DamagedStore` if the key was lost."""
        key = self._key(ref(person))
        if key is None:
            return "forgotten"
        if key is not False:
            return "live"
        if self._registration_sealed(ref(person)):
            raise DamagedStore(LOST.format(table=TABLE, who=person))
        return "plaintext"

    def _registration_sealed(self, person: str) -> bool:
        if person not in self._registered_sealed:  # read once per person and process
            state = self._first_state(person)
            name = state.get("payload", {}).get("name") if state else None
            self._registered_sealed[person] = is_sealed(name)
        return self._registered_sealed[person]

    def _first_state(self, aggregate: str) -> dict[str, Any] | None:
        if self.recorder is None:  # offline: what it seals was never stored
            return None
        stored = self.recorder.select_events(UUID(aggregate), lte=1)
        return orjson.loads(stored[0].state) if stored else None

    def pairing_people(self, pairing: UUID) -> tuple[UUID, UUID]:
        """The aggregate ids of a pairing's mentor and mentee (from its first event,
        unless the mapper saw it go by)."""
        if pairing not in self._pairing_people:
            state = self._first_state(pairing.hex)
            if state is None:
                raise DamagedStore(f"the store is damaged: aggregate {pairing}: "
                                   "its first event is missing")
            self.note_pairing(pairing, state["payload"]["mentor"], state["payload"]["mentee"])
        return self._pairing_people[pairing]

    def note_pairing(self, pairing: UUID, mentor: str, mentee: str) -> None:
        from domain.person import person_id

        self._pairing_people[pairing] = (person_id(mentor), person_id(mentee))

    # Values.

    def seal(self, value: str, people: Iterable[UUID]) -> str:
        """`value` sealed under the live keys of `people`; plaintext if none has a
        key (registered before keys existed); `NotAllowed` if one was forgotten."""
        refs: list[str] = []
        for person in dict.fromkeys(people):
            status = self.status(person)
            if status == "forgotten":
                raise NotAllowed(
                    f"{self.employee(ref(person))} was forgotten: "
                    "no personal data about them can be recorded"
                )
            if status == "live":
                refs.append(ref(person))
        if not refs:
            return value
        data = value.encode()
        for layer in reversed(refs):  # the first ref is the outer layer
            nonce = os.urandom(NONCE_BYTES)
            data = nonce + self._cipher(layer).encrypt(nonce, data, layer.encode())
        return f"{SEAL}{','.join(refs)}:{base64.b64encode(data).decode()}"

    def open(self, value: str) -> str:
        """The plaintext of a sealed value, or ERASED if one of its keys was destroyed."""
        head, _, body = value[_SEAL_LENGTH:].partition(":")
        refs = head.split(",")
        known = self._keys
        keys = [known[person] if person in known else self._key(person) for person in refs]
        if None in keys:
            return ERASED
        if False in keys:
            lost = refs[keys.index(False)]
            raise DamagedStore(LOST.format(table=TABLE, who=UUID(lost)))
        try:
            data = a2b_base64(body, strict_mode=True)
            for person in refs:
                cipher = self._cipher(person)
                data = cipher.decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], person.encode())
            return str(data.decode())
        except Exception as error:  # InvalidTag is imported only with cryptography
            if not isinstance(error, ValueError) and type(error).__name__ != "InvalidTag":
                raise
            raise DamagedStore(
                f"the store is damaged: a sealed value of person {UUID(refs[0])} "
                f"does not decrypt with its key ({type(error).__name__})"
            ) from None

    def reveal(self, value: Any) -> Any:
        """Any value shown to a reader: sealed ones opened, others as they are."""
        return self.open(value) if is_sealed(value) else value

    def _cipher(self, person: str) -> Any:
        """A cipher for a live key, made for each use: kept, each held about 1.3 KB
        of OpenSSL's memory (27 MB for the 20,000 people of a 1M-event import),
        and making one takes about half a microsecond."""
        key = self._keys[person]
        assert key is not None
        return _aesgcm()(key)


@cache
def _aesgcm() -> Any:
    """The cipher class, imported when first needed: cryptography is slow to import."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM


def keyring_for(recorder: Any) -> KeyRing:
    """The one key ring of a recorder, shared by the application, views and exports."""
    ring = getattr(recorder, "_mentorship_keyring", None)
    if ring is None:
        ring = KeyRing(recorder)
        recorder._mentorship_keyring = ring
    return ring
