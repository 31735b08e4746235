"""Errors of the C frontend, always located in the user's source."""

from __future__ import annotations

import dataclasses

from approxmlir.errors import ApproxError


@dataclasses.dataclass
class SourceLocation:
    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class FrontendError(ApproxError):
    """A problem with the input, reported as `file:line:col: message`.

    Constructs outside the supported subset use messages starting with
    `unsupported: `; malformed annotations start with `annotation: `.
    """

    def __init__(self, location: SourceLocation, message: str):
        self.location = location
        self.message = message
        super().__init__(f"{location}: {message}")


def location_of(cursor_or_location) -> SourceLocation:
    """The SourceLocation of a libclang cursor or source location."""
    location = getattr(cursor_or_location, "location", cursor_or_location)
    file = location.file.name if location.file is not None else "<unknown>"
    return SourceLocation(file, location.line, location.column)


def unsupported(where, what: str) -> FrontendError:
    """A construct outside the supported subset, located at a cursor (or a
    SourceLocation)."""
    location = where if isinstance(where, SourceLocation) else location_of(where)
    return FrontendError(location, f"unsupported: {what}")
