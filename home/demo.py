"""Demo workspaces, users and the themes from the glossary (first of the demo seed)."""

from django.contrib.auth import get_user_model

from core.models import Membership, Workspace
from core.vocab import THEMES
from network.models import Theme

DEMO_PASSWORD = "wijktour-demo"


def seed(*, stdout) -> None:
    amsterdam, _ = Workspace.objects.get_or_create(
        slug="ros-amsterdam", defaults={"name": "Steunpunt Wijkverbinding Amsterdam"}
    )
    Workspace.objects.get_or_create(
        slug="ros-rotterdam", defaults={"name": "Netwerk Zorg & Welzijn Rotterdam"}
    )
    for slug, name, name_en, dimensions in THEMES:
        Theme.objects.update_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "dimensions": dimensions}
        )
    users = get_user_model().objects
    coordinator = users.filter(username="coordinator").first()
    if coordinator is None:
        coordinator = users.create_user(
            "coordinator",
            "coordinator@wijktour.example.org",
            DEMO_PASSWORD,
            first_name="Sanne",
            last_name="de Vries",
        )
    Membership.objects.get_or_create(
        user=coordinator, workspace=amsterdam, defaults={"role": Membership.Role.COORDINATOR}
    )
    if not users.filter(username="partner-editor").exists():
        users.create_user(
            "partner-editor",
            "editor@wijktour.example.org",
            DEMO_PASSWORD,
            first_name="Youssef",
            last_name="El Amrani",
        )
    if not users.filter(username="admin").exists():
        users.create_superuser("admin", "admin@wijktour.example.org", DEMO_PASSWORD)
    stdout.write(f"Workspaces, themes ({len(THEMES)}) and demo users ready.")
