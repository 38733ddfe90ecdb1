"""The read-model tables, created in the same store as the events.

Dates are ISO `YYYY-MM-DD` text in both SQLite and PostgreSQL so that they sort
and compare the same way in both.
"""

from __future__ import annotations

PROJECTION = "ledger"
SCHEMA_VERSION = 3

TABLES = [
    """CREATE TABLE IF NOT EXISTS view_tracking (
        projection TEXT PRIMARY KEY,
        notification_id BIGINT NOT NULL,
        latest_on TEXT,
        schema_version INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS view_people (
        employee_id TEXT PRIMARY KEY,
        aggregate_id TEXT NOT NULL UNIQUE,
        name TEXT,
        email TEXT,
        level INTEGER,
        department TEXT,
        joined_on TEXT,
        registered_on TEXT NOT NULL,
        left_on TEXT,
        left_reason TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS view_programs (
        slug TEXT PRIMARY KEY,
        aggregate_id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        cadence_days INTEGER NOT NULL,
        launched_on TEXT NOT NULL,
        closed_on TEXT
    )""",
    # Pairing ids are kept as 32 hex digits, as the event store keeps them; the
    # other tables refer to a pairing by `seq`, its position in the order pairings
    # were recorded: small integer keys keep meeting inserts four times faster.
    """CREATE TABLE IF NOT EXISTS view_pairings (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        program TEXT NOT NULL,
        mentor TEXT NOT NULL,
        mentee TEXT NOT NULL,
        direction TEXT NOT NULL,
        paired_on TEXT NOT NULL,
        ended_on TEXT,
        end_reason TEXT,
        reversals INTEGER NOT NULL DEFAULT 0,
        meetings INTEGER NOT NULL DEFAULT 0,
        minutes INTEGER NOT NULL DEFAULT 0,
        last_met_on TEXT
    ){half_full}""",
    """CREATE TABLE IF NOT EXISTS view_meetings (
        pairing_seq INTEGER NOT NULL,
        number INTEGER NOT NULL,
        met_on TEXT NOT NULL,
        minutes INTEGER NOT NULL,
        retracted INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (pairing_seq, number)
    ){clustered}""",
    # A pairing's counted meetings in date order, for reports as of a past day
    # (projections/meeting_dates.py): on SQLite the dates joined by spaces and
    # each meeting's minutes packed; on PostgreSQL arrays, minutes running totals.
    """CREATE TABLE IF NOT EXISTS view_meeting_dates (
        pairing_seq INTEGER PRIMARY KEY,
        dates {date_list} NOT NULL,
        minutes {minute_list} NOT NULL
    ){half_full}""",
    """CREATE TABLE IF NOT EXISTS view_reversals (
        pairing_seq INTEGER NOT NULL,
        reversed_on TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS view_pairings_mentor ON view_pairings (mentor)",
    "CREATE INDEX IF NOT EXISTS view_pairings_mentee ON view_pairings (mentee)",
    "CREATE INDEX IF NOT EXISTS view_reversals_pairing ON view_reversals (pairing_seq)",
]


def create_statements(*, sqlite: bool) -> list[str]:
    # SQLite stores a WITHOUT ROWID table in its primary key's order, so each
    # pairing's meetings sit together; PostgreSQL has no such clause.
    clustered = " WITHOUT ROWID" if sqlite else ""
    # Every batch updates the totals of each pairing met in it. PostgreSQL
    # writes a new row version per update, and on a full page it must go to
    # another page with new entries in all four indexes: half-full pages keep
    # it on the same page with no index writes (HOT), ~6x faster per update.
    half_full = "" if sqlite else " WITH (fillfactor = 50)"
    lists = {"{date_list}": "TEXT", "{minute_list}": "BLOB"}
    if not sqlite:
        lists = {"{date_list}": "DATE[]", "{minute_list}": "INTEGER[]"}
    replaced = []
    for statement in TABLES:
        statement = statement.replace("{clustered}", clustered).replace("{half_full}", half_full)
        for name, column_type in lists.items():
            statement = statement.replace(name, column_type)
        replaced.append(statement)
    return replaced


VIEW_TABLES = [
    "view_people",
    "view_programs",
    "view_pairings",
    "view_meetings",
    "view_meeting_dates",
    "view_reversals",
]
