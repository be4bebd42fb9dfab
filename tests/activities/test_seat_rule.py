"""Property test of the pure seat rule: whatever arrives, in whatever order, nobody is seated
past the capacity, a domain's cap or another domain's unfilled reservation."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from activities.models import Activity
from activities.services import SeatCounts, seat_refusal

DOMAINS = ["medisch", "sociaal", "welzijn", "informeel"]


@settings(max_examples=200, deadline=None)
@given(
    capacity=st.integers(min_value=1, max_value=30),
    cap=st.one_of(st.none(), st.integers(min_value=0, max_value=100)),
    reserved=st.integers(min_value=0, max_value=10),
    arrivals=st.lists(st.sampled_from(DOMAINS), max_size=60),
)
def test_seat_rule_never_exceeds_capacity_caps_or_reservations(capacity, cap, reserved, arrivals):
    activity = Activity(
        capacity=capacity,
        domain_caps={} if cap is None else {"medisch": cap},
        domain_reserved={"sociaal": min(reserved, capacity)},
    )
    seated: dict[str, int] = {}
    for domain in arrivals:
        counts = SeatCounts(seated=sum(seated.values()), seated_by_domain=dict(seated))
        if not seat_refusal(activity=activity, counts=counts, domain=domain):
            seated[domain] = seated.get(domain, 0) + 1

    total = sum(seated.values())
    assert total <= capacity
    if cap is not None:
        assert seated.get("medisch", 0) <= math.floor(capacity * cap / 100)
    # Seats reserved for the social domain stay free for them.
    unfilled = max(0, min(reserved, capacity) - seated.get("sociaal", 0))
    assert total + unfilled <= capacity
