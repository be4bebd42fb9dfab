"""Template helpers other apps' pages include (dashboard, check-in, personal page, detail
pages), each one query, so those pages keep a fixed query count."""

from django import template

from accreditation import services
from accreditation.forms import DepartureForm
from accreditation.models import Accreditation
from accreditation.registries import Registry
from core.permissions import coordinator_workspaces

register = template.Library()


@register.simple_tag(takes_context=True)
def accreditation_due(context):
    return services.due_items(workspaces=coordinator_workspaces(user=context["request"].user))


@register.simple_tag
def registration_certificate(registration):
    return services.current_certificate(registration=registration)


@register.simple_tag
def departure_form(activity):
    return DepartureForm(activity=activity)


@register.simple_tag
def public_accreditations(activity):
    return list(
        Accreditation.objects.filter(activity_id=activity.pk)
        .exclude(status=Accreditation.Status.REFUSED)
        .order_by("registry")
    )


@register.filter
def registry_label(code: str) -> str:
    """A registry's name in the current language (certificates store the code)."""
    return str(Registry(code).label) if code in Registry.values else code
