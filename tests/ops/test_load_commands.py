from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from activities.models import Activity, Registration
from tests.factories import RegistrationFactory, WorkspaceFactory


@pytest.mark.django_db
def test_prepare_load_test_resets_the_rushed_session():
    WorkspaceFactory(slug="ros-amsterdam")
    first = StringIO()
    call_command("prepare_load_test", "--capacity", "3", stdout=first)
    activity = Activity.objects.get(pk=int(first.getvalue()))
    RegistrationFactory(activity=activity)
    again = StringIO()

    call_command("prepare_load_test", "--capacity", "3", stdout=again)

    assert again.getvalue() == first.getvalue()
    assert (activity.capacity, activity.waitlist_enabled, activity.status) == (
        3,
        False,
        Activity.Status.PUBLISHED,
    )
    assert Registration.objects.filter(activity=activity).count() == 0


@pytest.mark.django_db
def test_check_load_test_fails_on_overbooking():
    registration = RegistrationFactory(activity__capacity=1)
    out = StringIO()
    call_command("check_load_test", str(registration.activity_id), stdout=out)
    RegistrationFactory(activity=registration.activity)

    with pytest.raises(CommandError, match=r"^Overbooked: 2 confirmed for 1 seats\.$"):
        call_command("check_load_test", str(registration.activity_id), stdout=StringIO())
    assert out.getvalue() == "confirmed=1 capacity=1 registrations=1\n"
