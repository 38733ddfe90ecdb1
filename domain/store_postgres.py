"""The PostgreSQL event recorder: seals every event into the hash chain, and is
safe for the large transactions of a unit of work.

Sealing happens in `_fetch_ids_after_insert_events`, in the transaction that
inserted the events, once their positions are known; eventsourcing has locked
the events table by then, so the last link read here is the one the new events
follow. Every write path (pipelined or bulk) goes through it.

eventsourcing inserts a transaction's events in psycopg's pipeline mode. With
one very large batch (an `import` of 50,000 events) client and server then wait
for each other forever: psycopg 3.3.9 sits in `poll`, the server in
`ClientRead` (psycopg issue #685 describes the same deadlock). Up to
`PIPELINE_LIMIT` events the stock path is used; above it, the same statements
run in one ordinary transaction. The database-function path inserts without
calling back into Python, so it is never used (it would leave events unsealed).
Chosen by `domain.store` through APPLICATION_RECORDER_TOPIC, so it is imported
only for PostgreSQL stores.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg import Cursor
from psycopg.rows import DictRow, tuple_row
from psycopg.sql import SQL, Identifier

from domain import pg_copy
from domain.chain import GENESIS, SealRow, check_follows
from domain.chain_reader import BEFORE_ALL, PAGE, SEAL_COLUMNS, ChainReading, hex_id, stored_rows
from domain.chain_reader import StoredRow as Row

PIPELINE_LIMIT = 10_000  # the synthetic generator's chunk size: known to work


class BulkSafePostgresApplicationRecorder(ChainReading, PostgresApplicationRecorder):
    position_column = "notification_id"

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        self.check_identifier_length(f"{events_table_name}_chain")
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {schema}.{table} ("
                "position bigint PRIMARY KEY, originator_id text NOT NULL, "
                "originator_version bigint NOT NULL, state_hash bytea NOT NULL, "
                "stamp text, link bytea NOT NULL)"
            ).format(
                schema=Identifier(datastore.schema),
                table=Identifier(f"{events_table_name}_chain"),
            )
        )

    def _events_table(self) -> str:
        return f'"{self.datastore.schema}"."{self.events_table_name}"'

    def _chain_table(self) -> str:
        return f'"{self.datastore.schema}"."{self.events_table_name}_chain"'

    def _aggregate_key(self, originator_id: str) -> Any:
        return UUID(originator_id)

    def has_chain(self) -> bool:
        return bool(self._rows("SELECT to_regclass(?)", (self._chain_table(),))[0][0])

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(sql.replace("?", "%s").encode(), params)
            return curs.fetchall()

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if len(stored_events) <= PIPELINE_LIMIT and not self.datastore.enable_db_functions:
            stock: Sequence[int] | None = super().insert_events(stored_events, **kwargs)
            return stock
        with (
            self.datastore.get_connection() as conn,
            conn.transaction(),
            conn.cursor() as curs,
        ):
            self._insert_events(curs, stored_events, **kwargs)
            self._insert_stored_events(curs, stored_events, **kwargs)
            return self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)

    def _fetch_ids_after_insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        positions = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        if positions:
            self._seal(curs, stored_rows(stored_events), positions)
        return positions

    def append_chunk(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent]) -> None:
        """Inserts and seals a batch's chunk in the batch's open transaction
        (`domain.bulk_write`)."""
        self.append_rows(curs, stored_rows(stored_events))

    def append_rows(self, curs: Cursor[DictRow], rows: Sequence[Row]) -> None:
        """`append_chunk` of rows (aggregate id in hex, version, topic, state),
        with COPY: about eight times as fast here as the stock INSERT of an
        array of composites, under the same table lock and NOTIFY."""
        self._lock_table(curs)
        self._notify_channel(curs)
        table = Identifier(self.datastore.schema, self.events_table_name)
        curs.execute(SQL("SELECT max(notification_id) AS last FROM {}").format(table))
        row = curs.fetchone()
        last = (row["last"] if row else None) or 0
        columns = SQL("(originator_id, originator_version, topic, state)")
        as_uuid = self.datastore.originator_id_type.lower() == "uuid"
        with curs.copy(SQL("COPY {} {} FROM STDIN (FORMAT BINARY)").format(table, columns)) as copy:
            # Binary (the text format spells every state's bytes out in hex),
            # packed by pg_copy rather than psycopg's per-value dumpers.
            copy.write(pg_copy.events(rows, as_uuid))
        # Rows take the sequence's values in the order they are copied, and the
        # table lock keeps every other writer out until this transaction ends.
        positions = self._positions_after(curs, table, last, len(rows))
        self._seal(curs, rows, positions, copy=True)

    def _positions_after(
        self, curs: Cursor[DictRow], table: Identifier, last: int, count: int
    ) -> Sequence[int]:
        """The positions of the `count` rows just copied after position `last`:
        a range when they are contiguous, as they are unless the sequence skips."""
        curs.execute(
            SQL("SELECT min(notification_id) AS a, max(notification_id) AS b, count(*) AS n "
                "FROM {} WHERE notification_id > %s").format(table),
            (last,),
        )  # fmt: skip
        span = curs.fetchone()
        if span is not None and span["n"] == count and span["b"] - span["a"] + 1 == count:
            return range(span["a"], span["b"] + 1)
        curs.execute(
            SQL("SELECT notification_id FROM {} WHERE notification_id > %s ORDER BY 1").format(
                table
            ),
            (last,),
        )
        positions = [row["notification_id"] for row in curs.fetchall()]
        if len(positions) != count:
            raise RuntimeError(f"copied {count} events but found {len(positions)}")
        return positions

    def _seal(
        self,
        curs: Cursor[DictRow],
        rows: Sequence[Row],
        positions: Sequence[int],
        *,
        copy: bool = False,
    ) -> None:
        """Seals `rows`, just inserted at `positions`; with COPY (`copy`) when
        outside psycopg's pipeline mode, which has no COPY."""
        curs.execute(
            f"SELECT position, link FROM {self._chain_table()} ORDER BY position DESC LIMIT 1"
        )
        last = curs.fetchone()
        if last is None:  # the first write since sealing began: seal what came before
            previous = self._seal_before(curs, min(positions))
        else:
            previous = bytes(last["link"])
            check_follows(int(last["position"]), min(positions))
        new = sorted((p, *row) for p, row in zip(positions, rows, strict=True))
        self._seal_in_pages(curs, previous, new, self._copy_seals if copy else None)

    def _seal_before(self, curs: Cursor[DictRow], first: int) -> bytes:
        """Seals the events before position `first`, a page at a time; the last link."""
        previous, after = GENESIS, BEFORE_ALL
        while True:
            curs.execute(
                "SELECT notification_id, originator_id, originator_version, topic, state "
                f"FROM {self._events_table()} WHERE notification_id > %s "
                "AND notification_id < %s ORDER BY notification_id LIMIT %s",
                (after, first, PAGE),
            )
            page = [
                (
                    r["notification_id"],
                    hex_id(r["originator_id"]),
                    r["originator_version"],
                    r["topic"],
                    bytes(r["state"]),
                )
                for r in curs.fetchall()
            ]
            if not page:
                return previous
            previous, after = self._seal_in_pages(curs, previous, page), page[-1][0]

    def _copy_seals(self, curs: Cursor[DictRow], seals: Sequence[SealRow]) -> None:
        """COPY, for a batch's chunks: the arrays of `_insert_seals` cost about
        40 us a seal to build, mostly escaping text."""
        copy = SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(
            SQL(self._chain_table()), SQL(SEAL_COLUMNS)
        )
        with curs.copy(copy) as rows:
            rows.write(pg_copy.seals(seals))

    def _insert_seals(self, curs: Cursor[DictRow], seals: Sequence[SealRow]) -> None:
        # One statement with arrays, not executemany: safe in pipeline mode.
        curs.execute(
            f"INSERT INTO {self._chain_table()} ({SEAL_COLUMNS}) "
            "SELECT * FROM unnest(%s::bigint[], %s::text[], %s::bigint[], "
            "%s::bytea[], %s::text[], %s::bytea[])",
            [list(column) for column in zip(*seals, strict=True)],
        )
