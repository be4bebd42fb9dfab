import datetime as dt

import pytest
from django.utils import timezone, translation

from activities import services
from activities.models import Activity, Registration
from core.vocab import Profession
from tests.factories import KnowledgeSessionFactory, RegistrationFactory, TourFactory


def registrant(n: int = 0, profession: str = Profession.GP, **extra) -> services.Registrant:
    return services.Registrant(
        name=f"Professional {n}",
        email=f"pro{n}@example.org",
        organisation="Praktijk",
        profession=profession,
        language="en",
        **extra,
    )


@pytest.mark.django_db
def test_register_confirms_while_seats_remain_then_waitlists():
    tour = TourFactory(capacity=2)

    outcomes = [services.register(activity_id=tour.pk, registrant=registrant(n)) for n in range(3)]

    assert [o.status for o in outcomes] == ["confirmed", "confirmed", "waitlisted"]
    assert outcomes[2].registration.waitlist_reason == "All seats are taken"


@pytest.mark.django_db
def test_register_full_without_waitlist_raises_activity_full():
    tour = TourFactory(capacity=1, waitlist_enabled=False)
    services.register(activity_id=tour.pk, registrant=registrant(1))

    with pytest.raises(services.ActivityFull):
        services.register(activity_id=tour.pk, registrant=registrant(2))

    assert Registration.objects.filter(activity=tour).count() == 1


@pytest.mark.django_db
def test_register_same_email_takes_no_second_seat():
    tour = TourFactory(capacity=5)
    first = services.register(activity_id=tour.pk, registrant=registrant(1))

    again = services.register(activity_id=tour.pk, registrant=registrant(1))

    assert (again.created, again.registration.pk, again.status) == (
        False,
        first.registration.pk,
        "confirmed",
    )
    assert Registration.objects.filter(activity=tour).count() == 1


@pytest.mark.django_db
def test_register_same_email_answer_matches_new_registration_when_full():
    tour = TourFactory(capacity=1)
    services.register(activity_id=tour.pk, registrant=registrant(1))

    known = services.register(activity_id=tour.pk, registrant=registrant(1))
    unknown = services.register(activity_id=tour.pk, registrant=registrant(2))

    # The known address holds a seat, yet the answer is what a stranger would get.
    assert (known.status, unknown.status) == ("waitlisted", "waitlisted")


@pytest.mark.django_db
def test_register_domain_cap_waitlists_with_reason_and_promotes_when_mix_allows():
    tour = TourFactory(capacity=4, domain_caps={"medisch": 50})
    for n in range(2):
        services.register(activity_id=tour.pk, registrant=registrant(n))

    capped = services.register(activity_id=tour.pk, registrant=registrant(9))
    social = services.register(
        activity_id=tour.pk, registrant=registrant(10, profession=Profession.SOCIAL_WORKER)
    )

    assert (capped.status, social.status) == ("waitlisted", "confirmed")
    assert capped.registration.waitlist_reason == (
        "Share of domain Medical / care is at its maximum"
    )
    tour.domain_caps = {}
    tour.save()
    assert services.promote_waitlist(activity_id=tour.pk) == [capped.registration.pk]


@pytest.mark.django_db
def test_register_reserved_seats_keep_room_for_the_domain():
    tour = TourFactory(capacity=3, domain_reserved={"sociaal": 1})
    outcomes = [services.register(activity_id=tour.pk, registrant=registrant(n)) for n in range(3)]
    social = services.register(
        activity_id=tour.pk, registrant=registrant(5, profession=Profession.WMO_CONSULTANT)
    )

    assert [o.status for o in outcomes] == ["confirmed", "confirmed", "waitlisted"]
    assert outcomes[2].registration.waitlist_reason == (
        "Remaining seats are reserved for other domains"
    )
    assert social.status == "confirmed"


@pytest.mark.django_db
def test_cancel_registration_promotes_next_eligible_skipping_capped():
    tour = TourFactory(capacity=2, domain_caps={"medisch": 50})
    gp = services.register(activity_id=tour.pk, registrant=registrant(1)).registration
    social = services.register(
        activity_id=tour.pk, registrant=registrant(2, profession=Profession.SOCIAL_WORKER)
    ).registration
    capped_gp = services.register(activity_id=tour.pk, registrant=registrant(3)).registration
    waiting_social = services.register(
        activity_id=tour.pk, registrant=registrant(4, profession=Profession.WMO_CONSULTANT)
    ).registration

    services.cancel_registration(registration_id=social.pk)

    statuses = dict(Registration.objects.filter(activity=tour).values_list("pk", "status"))
    assert statuses == {
        gp.pk: "confirmed",
        social.pk: "cancelled",
        capped_gp.pk: "waitlisted",
        waiting_social.pk: "confirmed",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": Activity.Status.CANCELLED}, "This activity has been cancelled."),
        ({"status": Activity.Status.DRAFT}, "This activity is not open for registration."),
        ({"starts_at": timezone.now() - dt.timedelta(hours=1)}, "already taken place"),
        ({"registration_deadline": timezone.now() - dt.timedelta(hours=1)}, "has closed"),
    ],
)
def test_register_refuses_closed_activity(changes, message):
    tour = TourFactory()
    Activity.objects.filter(pk=tour.pk).update(**changes)

    with pytest.raises(services.RegistrationClosed) as error:
        services.register(activity_id=tour.pk, registrant=registrant())

    with translation.override("en"):
        assert message in str(error.value.message)


@pytest.mark.django_db
def test_move_from_waitlist_never_exceeds_capacity():
    tour = TourFactory(capacity=1)
    services.register(activity_id=tour.pk, registrant=registrant(1))
    waiting = services.register(activity_id=tour.pk, registrant=registrant(2)).registration

    with pytest.raises(services.ActivityFull):
        services.move_from_waitlist(registration_id=waiting.pk)


@pytest.mark.django_db
def test_check_in_and_mark_no_shows_after_start():
    tour = TourFactory()
    came = RegistrationFactory(activity=tour)
    stayed_away = RegistrationFactory(activity=tour)
    services.check_in(registration_id=came.pk)
    Activity.objects.filter(pk=tour.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))

    assert services.mark_no_shows(activity_id=tour.pk) == 1
    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert statuses == {came.pk: "attended", stayed_away.pk: "no_show"}


@pytest.mark.django_db
def test_mark_no_shows_refused_before_start():
    tour = TourFactory()
    with pytest.raises(services.RegistrationError):
        services.mark_no_shows(activity_id=tour.pk)


@pytest.mark.django_db
def test_cancel_token_is_hashed_and_resolves():
    registration = RegistrationFactory()

    token = services.issue_cancel_token(registration=registration)

    stored = Registration.objects.get(pk=registration.pk).cancel_token_hash
    assert (len(token) >= 43, stored == services.hash_token(token), token in stored) == (
        True,
        True,
        False,
    )
    assert services.registration_for_cancel_token(token=token).pk == registration.pk
    assert services.registration_for_cancel_token(token=token + "x") is None


@pytest.mark.django_db
def test_feed_token_resolves_registration():
    registration = RegistrationFactory()
    token = services.issue_feed_token(registration=registration)

    assert services.registration_for_feed_token(token=token).pk == registration.pk


@pytest.mark.django_db
def test_bike_need_only_kept_for_tours():
    session = KnowledgeSessionFactory()
    outcome = services.register(activity_id=session.pk, registrant=registrant(1, bike_need="ebike"))
    assert outcome.registration.bike_need == ""


@pytest.mark.django_db
def test_registrations_csv_neutralises_formulas():
    tour = TourFactory()
    RegistrationFactory(activity=tour, name="=HYPERLINK(1)", organisation="Praktijk")

    lines = services.registrations_csv(activity=tour, language="en").splitlines()

    assert lines[0].split(",")[:3] == ["Name", "E-mail", "Organisation"]
    assert lines[1].startswith("'=HYPERLINK(1)")
