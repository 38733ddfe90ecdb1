"""Naming a pairing: its full id, a unique prefix, or MENTOR/MENTEE.

Mixed into `LedgerViews`, whose caught-up `view_pairings` answers the lookup.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.errors import AmbiguousReference, InvalidInput, NotFound
from projections import profiles
from projections.queries import uuid_text

if TYPE_CHECKING:
    from projections.report_reads import ReadDatabase

_HEX = re.compile(r"^[0-9a-f]+$")
MIN_PREFIX = 6


class PairingReferences:
    if TYPE_CHECKING:
        db: ReadDatabase

        def catch_up(self) -> Any: ...

    def resolve(self, reference: str, *, active_only: bool = True) -> UUID:
        """The pairing a reference names. MENTOR/MENTEE names the one pairing of
        those two people (either order, any program): the one active pairing when
        `active_only` (commands that record), else active or ended (reads)."""
        reference = reference.strip()
        if "/" in reference:
            return self._resolve_people(reference, active_only)
        digits = reference.lower().replace("-", "")
        if not _HEX.match(digits) or len(digits) > 32:
            raise InvalidInput(
                f"invalid pairing {reference!r}: give its id, a prefix of at least "
                f"{MIN_PREFIX} characters, or MENTOR/MENTEE"
            )
        if len(digits) == 32:
            return UUID(digits)
        if len(digits) < MIN_PREFIX:
            raise InvalidInput(
                f"pairing prefix {reference!r} is too short: give at least {MIN_PREFIX} characters"
            )
        self.catch_up()
        with self.db.transaction(commit=False) as cursor:
            rows = cursor.execute(
                "SELECT id FROM view_pairings WHERE id >= ? AND id < ? ORDER BY id LIMIT 11",
                (digits, digits + "g"),
            ).fetchall()
        return self._one(
            [row[0] for row in rows],
            f"no pairing id starts with {reference!r}",
            f"pairing prefix {reference!r} is ambiguous",
        )

    def _resolve_people(self, reference: str, active_only: bool) -> UUID:
        first, _, second = reference.partition("/")
        only_active = " AND ended_on IS NULL" if active_only else ""
        self.catch_up()
        with self.db.transaction(commit=False) as cursor:
            rows = cursor.execute(
                "SELECT id, program, paired_on, ended_on FROM view_pairings WHERE "
                f"((mentor = ? AND mentee = ?) OR (mentor = ? AND mentee = ?)){only_active} "
                "ORDER BY paired_on, id",
                (first, second, second, first),
            ).fetchall()
        kind = "active pairing" if active_only else "pairing"
        if not rows:
            raise NotFound(f"no {kind} of {first} and {second}")
        if len(rows) > 1:
            listed = profiles.candidates(rows)
            raise AmbiguousReference(
                f"{first} and {second} have {len(rows)} {kind}s: {listed}; give an id"
            )
        return UUID(rows[0][0])

    @staticmethod
    def _one(ids: list[str], missing: str, ambiguous: str) -> UUID:
        if not ids:
            raise NotFound(missing)
        if len(ids) > 1:
            shown = ", ".join(uuid_text(i) for i in ids[:10])
            raise AmbiguousReference(f"{ambiguous}: {shown}")
        return UUID(ids[0])

