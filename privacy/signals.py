"""Audit hooks: changes to the partner network and activities made in a signed-in request are
written to the audit log. Saves outside a request (commands, tasks, demo data) have no actor and
are not logged here; services that matter (erasure) record their own entry."""

from django.db.models.signals import post_delete, post_init, post_save

from activities.models import Activity, Registration
from network.models import Contact, Neighbourhood, Partner, Theme
from privacy import services
from privacy.middleware import current_actor
from sessions.models import KnowledgeSession
from tours.models import Stop, Tour

AUDITED = (Partner, Contact, Neighbourhood, Theme, Activity, Tour, KnowledgeSession, Stop)


def _remember_status(sender, instance, **kwargs) -> None:
    # The status as loaded, so a save can tell a status change from any other edit without
    # a query of its own.
    instance._audit_loaded_status = instance.__dict__.get("status")


def _on_save(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:
        return
    actor = current_actor()
    if actor is None:
        return
    if isinstance(instance, Registration | Activity):
        old_status = getattr(instance, "_audit_loaded_status", None)
        status_changed = not created and old_status is not None and old_status != instance.status
        instance._audit_loaded_status = instance.status
        if isinstance(instance, Registration):
            if not created and not status_changed:
                return
            services.record_change(
                actor=actor,
                obj=instance,
                action="created" if created else "status_changed",
                old_status=old_status if status_changed else None,
            )
            return
        if status_changed:
            services.record_change(
                actor=actor, obj=instance, action="status_changed", old_status=old_status
            )
            return
    services.record_change(actor=actor, obj=instance, action="created" if created else "changed")


def _on_delete(sender, instance, **kwargs) -> None:
    actor = current_actor()
    if actor is None:
        return
    services.record_change(actor=actor, obj=instance, action="deleted")


def connect() -> None:
    for model in (*AUDITED, Registration):
        post_save.connect(_on_save, sender=model, dispatch_uid=f"audit-save-{model.__name__}")
        if model is Activity:
            # Deleting a tour or kenniscafé also deletes its Activity row: log the child only.
            continue
        post_delete.connect(_on_delete, sender=model, dispatch_uid=f"audit-delete-{model.__name__}")
    for model in (Activity, Tour, KnowledgeSession, Registration):
        post_init.connect(
            _remember_status, sender=model, dispatch_uid=f"audit-init-{model.__name__}"
        )
