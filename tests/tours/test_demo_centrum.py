import io

import pytest

from activities.models import Activity
from core.models import Workspace
from network.models import Neighbourhood
from tours import demo_centrum
from tours.models import Tour

pytestmark = pytest.mark.django_db


def test_centrum_demo_skips_without_workspace():
    out = io.StringIO()
    demo_centrum.seed(stdout=out)
    assert "skipped" in out.getvalue()
    assert Tour.objects.count() == 0


def test_centrum_demo_tours_ride_real_streets_with_dutch_cues(streets):
    Workspace.objects.create(slug="ros-amsterdam", name="ROS Amsterdam")
    demo_centrum.seed(stdout=io.StringIO())
    hood = Neighbourhood.objects.get(slug=demo_centrum.SLUG)
    tours = list(Tour.objects.filter(neighbourhood=hood))
    assert len(tours) == 2
    for tour in tours:
        assert tour.status == Activity.Status.PUBLISHED
        assert tour.route_estimated is False
        assert tour.route_problems == []
        assert tour.stops.count() == 5
        texts = [s["text"] for leg in tour.route_legs for s in leg["steps"]["nl"]]
        assert any(text.startswith("Sla ") for text in texts)
    demo_centrum.seed(stdout=io.StringIO())
    assert Tour.objects.filter(neighbourhood=hood).count() == 2


def test_centrum_demo_builds_tiles_when_missing(settings, tmp_path):
    settings.ROUTING_PROVIDER = "auto"
    settings.ROUTING_TILES_DIR = tmp_path / "tiles"
    out = io.StringIO()
    demo_centrum.ensure_street_tiles(stdout=out)
    assert out.getvalue().startswith("Street tiles: ")
    assert (tmp_path / "tiles" / "2").is_dir()
    demo_centrum.ensure_street_tiles(stdout=out)
    assert out.getvalue().count("Street tiles: ") == 1
