from django import template

from outbox.services import topic_for, undelivered

register = template.Library()


@register.inclusion_tag("outbox/_undelivered.html")
def undelivered_mails(obj) -> dict:
    """The mails about `obj` that have not reached their recipient (yet)."""
    return {"mails": list(undelivered(topic=topic_for(obj)))}
