"""What every command gets through the click context: the store, the actor,
and (opened lazily, or injected by tests) the application and its views."""

from __future__ import annotations

import atexit
import functools
import gc
import os
import sys
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

import click

if TYPE_CHECKING:
    from eventsourcing.persistence import ApplicationRecorder, Mapper

    from domain.application import MentorshipLedger
    from projections.direct import DirectViews
    from projections.views import LedgerViews


QUERIES = frozenset(
    {
        *("people", "programs", "list", "show", "history", "retention", "engagement"),
        *("export", "report", "verify"),
    }
)
"""Commands that only read: they never create a store, and when the views cannot
be brought up to date (a busy or read-only store) they answer from the views as
they are, with a warning on stderr."""


def _warn(message: str) -> None:
    click.echo(f"Warning: {message}", err=True)  # stdout carries only data


def default_actor() -> str:
    explicit = os.environ.get("MENTORSHIP_ACTOR")
    if explicit:
        return explicit
    try:
        import getpass  # only when no actor is given

        return getpass.getuser()
    except (KeyError, OSError):  # no user name in some containers
        return "unknown"


class LedgerContext:
    def __init__(
        self,
        store: str,
        actor: str | None = None,
        *,
        ledger: MentorshipLedger | None = None,
        views: LedgerViews | None = None,
        interactive: bool | None = None,
    ) -> None:
        self.store = store
        # An explicit empty actor is kept, so that the application refuses it.
        self.actor = default_actor() if actor is None else actor
        # Whether a person is at the keyboard to confirm; tests set it.
        self.interactive = sys.stdin.isatty() if interactive is None else interactive
        # Set by the root group for the commands in QUERIES.
        self.reading = False
        self._ledger = ledger
        self._views = views

    @property
    def ledger(self) -> MentorshipLedger:
        """The application, for commands that record events (imports the event models).
        A query opens it without creating anything: a missing store is an error."""
        if self._ledger is None:
            from domain.application import MentorshipLedger

            self._ledger = MentorshipLedger(self.store, create=not self.reading)
        if self._ledger.active_pairings is None:
            self._ledger.active_pairings = self.views
        return self._ledger

    @property
    def views(self) -> LedgerViews:
        """The read models; queries open only the recorder, which starts faster.

        Without the application, views are opened only by queries and `replay`,
        and neither may create a store."""
        if self._views is None:
            if self._ledger is not None:
                self._views = self._open_views(self._ledger.recorder)
            else:
                from projections.source import open_recorder

                self._views = self._open_views(open_recorder(self.store, create=False))
        return self._views

    def direct_views(self) -> DirectViews | None:
        """For a report query, views read straight from the store without the
        event store, when they hold every event (projections/direct.py); None
        when the usual views are to be used (they may be given, e.g. by tests)."""
        if self._views is not None or self._ledger is not None or not self.reading:
            return None
        from projections.direct import direct_views

        return direct_views(self.store, lambda: self.views)

    def event_log(self) -> tuple[ApplicationRecorder, Mapper[Any]]:
        """The recorder and the application's mapper, for commands that read raw
        events; without the application, a query opens only the recorder."""
        if self._ledger is not None:
            return self._ledger.recorder, self._ledger.mapper
        from domain.mapper import OrjsonTranscoder, PayloadMapper
        from projections.source import open_recorder

        recorder = open_recorder(self.store, create=not self.reading)
        return recorder, PayloadMapper(transcoder=OrjsonTranscoder())

    def resolve_pairing(self, reference: str, *, active_only: bool = True) -> UUID:
        """A pairing id from an id, prefix or MENTOR/MENTEE, for commands that also
        use the application: the views then share its connection to the store.

        MENTOR/MENTEE must name exactly one active pairing for commands that
        record (`active_only`); reads accept the only pairing, active or ended."""
        if self._views is None:
            self._views = self._open_views(self.ledger.recorder)
        return self._views.resolve(reference, active_only=active_only)

    def _open_views(self, recorder: ApplicationRecorder) -> LedgerViews:
        from projections.views import LedgerViews

        return LedgerViews(recorder, reading=self.reading, warn=_warn)

    def today(self) -> date:
        return self._ledger.today() if self._ledger is not None else date.today()


def one_shot_report() -> None:
    """Pauses the cycle collector while a report command runs.

    A report builds tens of thousands of row tuples, which set off collections
    that re-scan every object the imports left behind: ~30 ms of `retention`
    at 1M events, ~15 ms of `engagement`; the rows hold no reference cycles.
    Interpreter exit then runs full collections over everything still alive,
    ~15 ms (SQLite) to ~50 ms (PostgreSQL: more modules); frozen objects are
    left out of them. The collector is back on when the command ends, and the
    freeze happens only at exit, so a caller that stays (the tests) is unaffected.
    """
    if gc.isenabled():
        gc.disable()
        click.get_current_context().call_on_close(gc.enable)
    _freeze_at_exit()


@functools.cache
def _freeze_at_exit() -> None:
    atexit.register(gc.freeze)  # runs before the interpreter's final collections


pass_ledger = click.make_pass_decorator(LedgerContext)
"""Passes the command the `LedgerContext` that the root group put on the context."""
