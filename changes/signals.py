"""Partner changes reach tours: the network app knows no events, so the reaction lives here.

When a partner is saved or its visiting hours are replaced, every upcoming published tour
that visits it is re-checked after the commit (once per partner per transaction): a dry run
of its schedule in the same order. A tour whose times would move, or that no longer fits,
gets a PendingRecheck for its coordinator; nobody is mailed until they confirm.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save


def _schedule(partner_id: int) -> None:
    connection = transaction.get_connection()
    # Replacing five visiting windows fires five signals: queue one re-check per partner.
    for entry in connection.run_on_commit:
        queued = entry[1]
        if getattr(queued, "recheck_partner_id", None) == partner_id and not queued.done:
            return

    def run() -> None:
        from changes.services import recheck_tours_visiting

        run.done = True
        recheck_tours_visiting(partner_id=partner_id)

    run.recheck_partner_id = partner_id
    run.done = False
    transaction.on_commit(run)


def _on_partner_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if not created and not raw:
        _schedule(instance.pk)


def _on_window_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        _schedule(instance.partner_id)


def connect() -> None:
    from network.models import Partner, VisitingWindow

    post_save.connect(_on_partner_saved, sender=Partner, dispatch_uid="changes-partner-saved")
    post_save.connect(_on_window_changed, sender=VisitingWindow, dispatch_uid="changes-window")
    post_delete.connect(
        _on_window_changed, sender=VisitingWindow, dispatch_uid="changes-window-deleted"
    )
