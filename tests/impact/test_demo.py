import io
import re

import pytest

from impact import demo
from impact.models import FollowUp, FollowUpAnswer, PartnerSignal
from tests.factories import RegistrationFactory, WorkspaceFactory, past_tour_with_stops

LINK = re.compile(r"https?://\S+(/(?:ratings|impact/followup)/[\w-]+/)")


@pytest.mark.django_db
def test_demo_seeds_answers_and_prints_working_links(client, settings):
    workspace = WorkspaceFactory(slug=demo.WORKSPACE)
    tour = past_tour_with_stops(days_ago=120, workspace=workspace, partners=3)
    for _ in range(12):
        RegistrationFactory(activity=tour, status="attended")
    out = io.StringIO()

    demo.seed(stdout=out)
    counts = (FollowUp.objects.count(), FollowUpAnswer.objects.count())
    demo.seed(stdout=io.StringIO())  # idempotent

    assert FollowUp.objects.filter(activity=tour).count() == 24  # two waves × 12
    assert FollowUpAnswer.objects.exists()
    assert PartnerSignal.objects.exists()
    assert (FollowUp.objects.count(), FollowUpAnswer.objects.count()) == counts
    paths = LINK.findall(out.getvalue())
    assert len(paths) == 2
    # The second run minted new links; the first run's are replaced, so mint once more.
    out = io.StringIO()
    demo.seed(stdout=out)
    for path in LINK.findall(out.getvalue()):
        assert client.get(path).status_code == 200, path
