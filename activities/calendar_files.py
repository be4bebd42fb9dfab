"""The .ics file a registration mail carries, without activities importing feeds.

`feeds` owns the one .ics builder (feeds.publishing) and stands on `activities`, so it
registers that builder here in FeedsConfig.ready(). Without a builder (feeds not installed)
mails go out without a calendar file.
"""

from collections.abc import Callable

CalendarFile = Callable[..., bytes]
_BUILDERS: list[CalendarFile] = []


def register_calendar_file(builder: CalendarFile) -> None:
    """`builder(*, activity_id, language, method, attendees) -> bytes`; the last one wins."""
    _BUILDERS[:] = [builder]


def calendar_file(
    *, activity_id: int, language: str, method: str, attendees: tuple[str, ...]
) -> bytes | None:
    if not _BUILDERS:
        return None
    return _BUILDERS[0](
        activity_id=activity_id, language=language, method=method, attendees=attendees
    )
