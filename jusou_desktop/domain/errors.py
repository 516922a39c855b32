"""One root for every expected failure.

Every error the user can cause or meet (wrong passphrase, refused transition, locked file…)
is a :class:`JusouError` carrying a Japanese message meant to be shown as it is.  Anything
else reaching the GUI or the command line is a bug and is handled as such.
"""

from __future__ import annotations


class JusouError(Exception):
    """An expected failure with a message for the user, in Japanese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class RuleViolation(JusouError):
    """A domain rule refuses the requested change (the data stays as it was)."""


class ValidationError(JusouError):
    """Input that cannot be accepted as it is; ``field`` names the offending field, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Cancelled(Exception):
    """The user pressed 中止 during long work; it stopped and left nothing behind.

    No half-written file (writers write to a temporary file and rename at the end) and no
    half-written rows (the work runs in one transaction, rolled back).  Not a
    :class:`JusouError`: nothing went wrong, so the GUI says so calmly instead of as an error.
    """

    def __init__(self, message: str = "中止しました。何も書き込んでいません。") -> None:
        super().__init__(message)
