from django import template
from django.urls import reverse

from impact import services
from ratings.templatetags.ratings_extras import grade, percent

register = template.Library()
register.filter("grade", grade)
register.filter("percent", percent)


@register.simple_tag
def baseline_link(registration) -> str:
    """The skippable baseline link for a registration just made ("" when there is nothing
    to ask). Rendered only on the confirmation page of the POST that created it."""
    if registration is None:
        return ""
    token = services.offer_baseline(registration=registration)
    # A path, not SITE_URL: the page links within the site the person is on.
    return reverse("impact:baseline", kwargs={"token": token}) if token else ""
