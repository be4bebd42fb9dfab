"""Settings for the control test only: the seat rule without its lock, to prove that the
contention harness sees overbooking when it happens. Never used outside tests."""

from backend.settings import *  # noqa: F403

REGISTRATION_SEAT_LOCK = False
