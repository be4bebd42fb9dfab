"""Optional client for the PE-online/GAIA presence webservice (per workspace, the customer's
own credentials in ACCREDITATION_PE_ONLINE).

The format follows what public PE-online integrations send to
`…/pe-services/pe-attendanceelearning/WriteAttendance.asmx/ProcessXML` (form field `sXML`):
an `Entry` with `Settings` (userID, userRole EDU, userKey, orgID, …) and one `Attendance` per
person (PECourseID, PEEditionID, externalPersonID = registry number, endDate). The answer is a
`Summary` with `Results` (accepted_rows, rejected_rows, total_rows), `Accepted` rows naming the
person, and `Error` rows (errorNR, errorMsg), either bare or inside the ASMX `<string>` wrapper.
We have no access to PE-online's own specification here: where it is silent (which person an
Error belongs to) we treat every sent person not listed as accepted as rejected with the errors'
text. Accepted rows are recorded (`PresenceSubmission`) and never sent again.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accreditation import services
from accreditation.models import Accreditation, PresenceSubmission
from core.models import Workspace


class WebserviceError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class SubmitResult:
    accepted: int
    rejected: int
    skipped: int
    errors: tuple[str, ...] = ()


def configured(*, workspace: Workspace) -> dict | None:
    try:
        config = json.loads(settings.ACCREDITATION_PE_ONLINE or "{}")
    except ValueError:
        return None
    entry = config.get(workspace.slug) if isinstance(config, dict) else None
    if not isinstance(entry, dict) or not entry.get("url"):
        return None
    return entry


def build_entry(*, config: dict, accreditation: Accreditation, numbers: list[str]) -> bytes:
    entry = ET.Element("Entry")
    settings_element = ET.SubElement(entry, "Settings")
    for name, value in (
        ("userID", config.get("user_id", "")),
        ("userRole", "EDU"),
        ("userKey", config.get("user_key", "")),
        ("orgID", config.get("org_id", "")),
        ("settingOutput", "1"),
        ("emailOutput", ""),
        ("languageID", "1"),
        ("defaultLanguageID", "1"),
    ):
        ET.SubElement(settings_element, name).text = str(value)
    end_date = timezone.localtime(accreditation.activity.ends_at).isoformat(timespec="seconds")
    for number in numbers:
        row = ET.SubElement(entry, "Attendance")
        ET.SubElement(row, "PECourseID").text = accreditation.accreditation_id
        if accreditation.edition_id:
            ET.SubElement(row, "PEEditionID").text = accreditation.edition_id
        ET.SubElement(row, "externalPersonID").text = number
        ET.SubElement(row, "endDate").text = end_date
    return ET.tostring(entry, encoding="utf-8", xml_declaration=True)


@dataclass(frozen=True)
class Summary:
    accepted_people: frozenset[str]
    accepted_rows: int
    rejected_rows: int
    errors: tuple[str, ...]


def parse_summary(body: bytes) -> Summary:
    try:
        root = ET.fromstring(body)
    except ET.ParseError as error:
        raise WebserviceError(_("PE-online answered something that is not XML.")) from error
    # ASMX wraps the Summary document as text in <string> or in a SOAP ProcessXMLResult.
    if root.tag.rsplit("}", 1)[-1] != "Summary":
        inner = next(
            (
                e.text
                for e in root.iter()
                if e.tag.rsplit("}", 1)[-1] in ("string", "ProcessXMLResult") and e.text
            ),
            None,
        )
        if not inner:
            raise WebserviceError(_("PE-online's answer holds no Summary."))
        return parse_summary(inner.encode())

    def number(path: str) -> int:
        text = root.findtext(path) or "0"
        return int(text) if text.strip().isdigit() else 0

    return Summary(
        accepted_people=frozenset(
            (e.findtext("person") or "").strip() for e in root.findall("Accepted")
        ),
        accepted_rows=number("Results/accepted_rows"),
        rejected_rows=number("Results/rejected_rows"),
        errors=tuple(
            " ".join(
                part
                for part in (
                    (e.findtext("errorNR") or "").strip(),
                    (e.findtext("errorMsg") or "").strip(),
                )
                if part
            )
            for e in root.findall("Error")
        ),
    )


def submit_presence(*, accreditation: Accreditation) -> SubmitResult:
    """Send the presence of everyone who attended the full accredited time and was not
    accepted before; record each person's outcome."""
    activity = accreditation.activity
    config = configured(workspace=activity.workspace)
    if config is None:
        raise WebserviceError(_("The PE-online webservice is not set up for this workspace."))
    if not accreditation.accreditation_id:
        raise WebserviceError(_("Fill in the accreditation ID number first."))
    data = services.presence(activity=activity)
    by_number = {
        row.numbers[accreditation.registry]: row.registration
        for row in data.rows
        if row.attended
        and row.full.get(accreditation.registry)
        and accreditation.registry in row.numbers
    }
    done = set(
        PresenceSubmission.objects.filter(
            accreditation=accreditation, outcome=PresenceSubmission.Outcome.ACCEPTED
        ).values_list("registration_id", flat=True)
    )
    to_send = {n: r for n, r in by_number.items() if r.pk not in done}
    if not to_send:
        return SubmitResult(accepted=0, rejected=0, skipped=len(by_number))
    body = build_entry(config=config, accreditation=accreditation, numbers=sorted(to_send))
    request = urllib.request.Request(
        config["url"],
        data=urllib.parse.urlencode({"sXML": body.decode()}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(
            request, timeout=settings.ACCREDITATION_PE_ONLINE_TIMEOUT
        ) as response:
            answer = response.read()
    except OSError as error:
        raise WebserviceError(
            _("PE-online could not be reached (%(error)s); nothing was recorded.")
            % {"error": error.__class__.__name__}
        ) from error
    summary = parse_summary(answer)
    now = timezone.now()
    message = "; ".join(summary.errors)[:300]
    accepted = rejected = 0
    with transaction.atomic():
        for number, registration in to_send.items():
            ok = number in summary.accepted_people
            PresenceSubmission.objects.update_or_create(
                accreditation=accreditation,
                registration=registration,
                defaults={
                    "outcome": (
                        PresenceSubmission.Outcome.ACCEPTED
                        if ok
                        else PresenceSubmission.Outcome.REJECTED
                    ),
                    "message": "" if ok else message,
                    "submitted_at": now,
                },
            )
            accepted += ok
            rejected += not ok
        if accepted and not rejected and accreditation.presence_submitted_on is None:
            services.mark_presence_submitted(accreditation=accreditation)
    return SubmitResult(
        accepted=accepted,
        rejected=rejected,
        skipped=len(done & {r.pk for r in by_number.values()}),
        errors=summary.errors,
    )
