"""The one exception type for errors a user can cause and fix."""

from __future__ import annotations


class UpperbackError(Exception):
    """An error caused by input the user controls, with a message that says what to do.

    The CLI prints the message without a traceback and exits with ``exit_code``;
    the web app shows it on the page.
    """

    exit_code: int = 1

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code

    @property
    def message(self) -> str:
        return str(self)


class UnknownNameError(UpperbackError):
    """A name (exercise, variant, muscle, ...) that the library does not know."""

    exit_code = 2


class LibraryDataError(UpperbackError):
    """A library data file that is missing, unreadable or fails validation."""
