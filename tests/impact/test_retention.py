import pytest
from django.utils import timezone

from impact.models import FollowUp, FollowUpAnswer
from privacy import services as privacy
from tests.factories import FollowUpFactory, RegistrationFactory, past_tour_with_stops


def answered_followup() -> FollowUp:
    tour = past_tour_with_stops(days_ago=29, partners=1)
    registration = RegistrationFactory(
        activity=tour, status="attended", email="anna@praktijk.example.org"
    )
    followup = FollowUpFactory(
        registration=registration,
        sent_at=timezone.now(),
        answered_at=timezone.now(),
        story="Meneer gaat nu naar het taalcafé.",
        consent_to_share=True,
    )
    FollowUpAnswer.objects.create(
        followup=followup, partner=tour.stops.get().partner, referrals="2-5"
    )
    return followup


@pytest.mark.django_db
def test_erasure_anonymises_followups_and_keeps_the_counts():
    followup = answered_followup()
    old_hash = followup.token_hash

    privacy.erase_person(email="anna@praktijk.example.org", actor=None)

    followup.refresh_from_db()
    assert followup.anonymised_at is not None
    assert (followup.story, followup.consent_to_share) == ("", False)
    assert followup.token_hash == f"revoked-{followup.pk}" != old_hash
    assert list(followup.answers.values_list("referrals", flat=True)) == ["2-5"]


@pytest.mark.django_db
def test_export_includes_the_impact_answers():
    followup = answered_followup()

    (record,) = privacy.export_person(email="anna@praktijk.example.org")

    answers = record["impact_answers"]
    assert answers["followups"][0]["story"] == "Meneer gaat nu naar het taalcafé."
    assert answers["followups"][0]["answers"][0]["referrals"] == "2-5"
    assert "impact_answers" in privacy.export_csv(records=[record]).splitlines()[0]
    assert followup.token_hash not in privacy.export_json(records=[record])
