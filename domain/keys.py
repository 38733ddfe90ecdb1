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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import orjson

from domain.errors import DamagedStore, NotAllowed
from domain.store_guard import UNDEFINED_TABLE, error_chain
from domain.vocabulary import ERASED

SEAL = "\x1fsealed:"
TABLE = "person_keys"
KEY_BYTES = 32
NONCE_BYTES = 12
LOST = (
    "the key table ({table}) has no key for person {who}: their personal data cannot be "
    "read; restore {table} from a key backup (see docs/audit.md)"
)
_CREATE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (person_id TEXT PRIMARY KEY, "
    "employee_id TEXT NOT NULL, key {blob}, forgotten_at TEXT)"
)


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(SEAL)


def ref(person: UUID) -> str:
    return person.hex


class KeyRing:
    """The key table of one store, with a per-process cache of its keys.

    A key is live (bytes), destroyed (the person was forgotten: `None`), or
    missing: never created (a person registered before keys existed, whose
    values are plaintext) or lost with the key table.
    """

    def __init__(self, recorder: Any) -> None:
        self.recorder = recorder
        self.datastore = recorder.datastore
        self.is_sqlite = type(self.datastore).__name__.startswith("SQLite")
        self._keys: dict[str, bytes | None] = {}
        self._employees: dict[str, str] = {}
        self._loaded_all = False
        self._ciphers: dict[str, Any] = {}
        self._registered_sealed: dict[str, bool] = {}
        self._pairing_people: dict[UUID, tuple[UUID, UUID]] = {}
        self.scrubbed = True  # False: an old copy of the last destroyed key remains for now

    # The table.

    @contextmanager
    def _cursor(self, *, commit: bool) -> Iterator[Any]:
        try:
            with self.datastore.transaction(commit=commit) as cursor:
                if self.is_sqlite and commit:
                    # Destroyed keys must not linger in freed space of the file.
                    cursor.execute("PRAGMA secure_delete = ON")
                yield _Cursor(cursor, self.is_sqlite)
        except Exception as error:
            if any(
                getattr(e, "sqlstate", None) == UNDEFINED_TABLE
                or f"no such table: {TABLE}" in str(e)
                for e in error_chain(error)
            ):
                raise DamagedStore(
                    f"the key table ({TABLE}) is missing from the store: personal data "
                    f"cannot be read; restore {TABLE} from a key backup (see docs/audit.md)"
                ) from None
            raise

    def create_table(self) -> None:
        with self._cursor(commit=True) as cursor:
            cursor.execute(_CREATE.format(blob="BLOB" if self.is_sqlite else "BYTEA"))

    def create(self, people: Iterable[tuple[UUID, str]]) -> None:
        """Keys for newly registered people (aggregate id, employee id); a key that
        exists already is kept, so a lost race or a retry reuses the winner's."""
        rows = [(ref(p), e, os.urandom(KEY_BYTES)) for p, e in people if ref(p) not in self._keys]
        if not rows:
            return
        with self._cursor(commit=True) as cursor:
            cursor.executemany(
                f"INSERT INTO {TABLE} (person_id, employee_id, key) VALUES (?, ?, ?) "
                "ON CONFLICT (person_id) DO NOTHING",
                rows,
            )
            marks = ", ".join("?" for _ in rows)
            cursor.execute(
                f"SELECT person_id, employee_id, key FROM {TABLE} WHERE person_id IN ({marks})",
                [row[0] for row in rows],
            )
            self._remember(cursor.fetchall())

    def destroy(self, person: UUID, when: str) -> bool:
        """Destroys a person's key (a row without key stays, saying they were
        forgotten); False if there was no live key."""
        with self._cursor(commit=True) as cursor:
            cursor.execute(
                f"UPDATE {TABLE} SET key = NULL, forgotten_at = ? "
                "WHERE person_id = ? AND key IS NOT NULL",
                (when, ref(person)),
            )
            destroyed: bool = cursor.rowcount > 0
        self._keys[ref(person)] = None
        self._ciphers.pop(ref(person), None)
        self.scrubbed = self._scrub()
        return destroyed

    def _scrub(self) -> bool:
        """Removes the destroyed key's old copies that the database still holds;
        False if another process's read kept the SQLite log from being emptied."""
        if self.is_sqlite:  # the write-ahead log still holds the page with the key
            with self.datastore.get_connection(commit=True) as conn:
                busy, _, _ = conn._sqlite_conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            return not busy
        # PostgreSQL keeps the old row version until the table is rewritten.
        with self.datastore.get_connection() as conn:
            conn.autocommit = True
            try:
                conn.execute(f"VACUUM FULL {TABLE}")
            finally:
                conn.autocommit = False
        return True

    def _remember(self, rows: Iterable[tuple[Any, ...]]) -> None:
        for person_id, employee_id, key in rows:
            self._keys[person_id] = None if key is None else bytes(key)
            self._employees[person_id] = employee_id

    def _key(self, person: str) -> bytes | bool | None:
        """The live key, None if destroyed, False if missing."""
        if person not in self._keys:
            with self._cursor(commit=False) as cursor:
                if self._loaded_all:
                    cursor.execute(
                        f"SELECT person_id, employee_id, key FROM {TABLE} WHERE person_id = ?",
                        (person,),
                    )
                else:  # listings open many values: one read for all keys
                    cursor.execute(f"SELECT person_id, employee_id, key FROM {TABLE}")
                    self._loaded_all = True
                self._remember(cursor.fetchall())
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
        head, _, body = value[len(SEAL) :].partition(":")
        refs = head.split(",")
        keys = [self._key(person) for person in refs]
        if any(key is None for key in keys):
            return ERASED
        for person, key in zip(refs, keys, strict=True):
            if key is False:
                raise DamagedStore(LOST.format(table=TABLE, who=UUID(person)))
        from cryptography.exceptions import InvalidTag

        try:
            data = base64.b64decode(body, validate=True)
            for person in refs:
                data = self._cipher(person).decrypt(
                    data[:NONCE_BYTES], data[NONCE_BYTES:], person.encode()
                )
            return str(data.decode())
        except (InvalidTag, ValueError) as error:
            raise DamagedStore(
                f"the store is damaged: a sealed value of person {UUID(refs[0])} "
                f"does not decrypt with its key ({type(error).__name__})"
            ) from None

    def reveal(self, value: Any) -> Any:
        """Any value shown to a reader: sealed ones opened, others as they are."""
        return self.open(value) if is_sealed(value) else value

    def _cipher(self, person: str) -> Any:
        cipher = self._ciphers.get(person)
        if cipher is None:
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            key = self._keys[person]
            assert key is not None
            cipher = self._ciphers[person] = AESGCM(key)
        return cipher


class _Cursor:
    """`?` placeholders and tuple rows on both stores."""

    def __init__(self, raw: Any, is_sqlite: bool) -> None:
        self._raw = raw
        self._is_sqlite = is_sqlite

    def _sql(self, statement: str) -> str:
        return statement if self._is_sqlite else statement.replace("?", "%s")

    def execute(self, statement: str, params: Any = ()) -> None:
        self._raw.execute(self._sql(statement), params)

    def executemany(self, statement: str, rows: list[Any]) -> None:
        self._raw.executemany(self._sql(statement), rows)

    def fetchall(self) -> list[tuple[Any, ...]]:
        rows = self._raw.fetchall()
        return [tuple(r.values()) if isinstance(r, dict) else tuple(r) for r in rows]

    @property
    def rowcount(self) -> int:
        return int(self._raw.sqlite_cursor.rowcount if self._is_sqlite else self._raw.rowcount)


def keyring_for(recorder: Any) -> KeyRing:
    """The one key ring of a recorder, shared by the application, views and exports."""
    ring = getattr(recorder, "_mentorship_keyring", None)
    if ring is None:
        ring = KeyRing(recorder)
        recorder._mentorship_keyring = ring
    return ring
