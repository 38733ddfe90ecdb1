"""Every rule the domain enforces raises one of these.

The command line turns any `LedgerError` into a one-line `Error: ...` message, so
the message must read well on its own and name the offending value.
"""


class LedgerError(Exception):
    """A command broke a rule of the domain; nothing was recorded."""


class InvalidInput(LedgerError):
    """A value is malformed or out of range (dates, minutes, reasons...)."""


class NotFound(LedgerError):
    """A person, program or pairing that the command names does not exist."""


class AlreadyExists(LedgerError):
    """A person or program id is already taken."""


class NotAllowed(LedgerError):
    """The command is well formed but the current state forbids it."""


class AmbiguousReference(LedgerError):
    """A short pairing reference matches more than one pairing."""


class ConcurrentUpdate(LedgerError):
    """Other writers kept changing the same records; the command gave up."""


class StoreUnavailable(LedgerError):
    """The store cannot be opened: it does not exist, cannot persist, or needs a driver."""


class StoreBusy(LedgerError):
    """Another process held a lock on the store for longer than the lock timeout."""


class DamagedStore(LedgerError):
    """The store holds events or views that do not read back: tampered or corrupted."""
