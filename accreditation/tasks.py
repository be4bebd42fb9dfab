"""Certificate delivery, enqueued on commit: render the PDFs that are missing (in one layout),
then mail each certificate once. Safe to run twice: the mail marker is claimed before sending."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accreditation import documents
from accreditation.models import Certificate
from activities.models import Registration


@task
def deliver_certificates(*, certificate_ids: list[int]) -> str:
    rendered = documents.render_missing(certificate_ids=certificate_ids)
    for certificate_id in certificate_ids:
        send_certificate_mail.enqueue(certificate_id=certificate_id)
    return f"rendered {rendered}, queued {len(certificate_ids)}"


def compose(*, certificate: Certificate) -> EmailMessage:
    registration = certificate.registration
    activity = registration.activity
    from activities.services import issue_cancel_token

    token = issue_cancel_token(registration=registration)
    context = {
        "registration": registration,
        "activity": activity,
        "starts_at": timezone.localtime(activity.starts_at),
        "lines": certificate.lines,
        "hours": documents.attendance.hours(certificate.attended_minutes),
        "personal_url": settings.SITE_URL
        + reverse("activities:registration", kwargs={"token": token}),
        "verify_url": documents.verification_url(certificate.code),
        "organiser": activity.workspace.name,
    }
    message = EmailMessage(
        subject=_("Your certificate: %(title)s") % {"title": activity.title},
        body=render_to_string("accreditation/email/certificate.txt", context),
        to=[registration.email],
    )
    message.attach(
        f"certificaat-{certificate.code}.pdf",
        documents.certificate_pdf(certificate=certificate),
        "application/pdf",
    )
    return message


@task
def send_certificate_mail(*, certificate_id: int) -> str:
    now = timezone.now()
    claimed = Certificate.objects.filter(
        pk=certificate_id,
        mailed_at__isnull=True,
        revoked_at__isnull=True,
        registration__status=Registration.Status.ATTENDED,
        registration__anonymised_at__isnull=True,
    ).update(mailed_at=now)
    if not claimed:
        return "skipped"
    certificate = (
        Certificate.objects.select_related("registration__activity__workspace")
        .defer("pdf")
        .get(pk=certificate_id)
    )
    try:
        with translation.override(certificate.registration.language or settings.LANGUAGE_CODE):
            compose(certificate=certificate).send()
    except Exception:
        # Not sent: let a retry (or the next run) claim it again.
        Certificate.objects.filter(pk=certificate_id, mailed_at=now).update(mailed_at=None)
        raise
    return "sent"
