"""The documents registries and attendees get: presence list (PDF, XLSX), the paste-ready
number list, and certificates (PDF with a QR code to the verification page).

PDFs are HTML templates rendered by WeasyPrint (text stays selectable). One WeasyPrint layout
costs far more than a page in it, so certificates are laid out in one document and written
out per certificate (measured in bench/bench_accreditation.py).
"""

from __future__ import annotations

import base64
import io

import qrcode
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from accreditation import attendance
from accreditation.models import Certificate
from accreditation.registries import RULES, Registry, fits
from accreditation.services import Presence, format_code

CSS_TEMPLATE = "accreditation/pdf/style.css"


def _html_to_document(html: str):
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).render()


def pdf_from_html(html: str) -> bytes:
    return _html_to_document(html).write_pdf()


def paste_list(*, data: Presence, registry: str) -> str:
    """One number per line, as PE-online's and GAIA's import screens take them."""
    numbers = data.numbers_for(registry)
    return "\n".join(numbers) + ("\n" if numbers else "")


def _context(data: Presence) -> dict:
    activity = data.activity
    return {
        "activity": activity,
        "organiser": activity.workspace.name,
        "starts_at": timezone.localtime(activity.starts_at),
        "ends_at": timezone.localtime(activity.ends_at),
        "data": data,
        "registries": [
            {
                "accreditation": a,
                "label": Registry(a.registry).label,
                "number_label": RULES[a.registry].number_label,
                "required_hours": attendance.hours(data.required[a.registry]),
                "rows": [
                    {
                        "row": row,
                        "number": row.numbers.get(a.registry, ""),
                        "big": row.numbers.get(Registry.BIG, ""),
                        "hours": attendance.hours(row.minutes),
                        "full": row.full.get(a.registry, False),
                    }
                    for row in data.rows
                    # A registry's list holds who reports to it: a number for it, or a
                    # profession that fits.
                    if a.registry in row.numbers
                    or fits(registry=a.registry, profession=row.registration.profession)
                ],
            }
            for a in data.accreditations
        ],
    }


def presence_pdf(*, data: Presence) -> bytes:
    """A4, one section per registry, with a signature column for the paper back-up."""
    # Registries read Dutch: the presence list is Dutch whatever the coordinator's language.
    with translation.override("nl"):
        html = render_to_string("accreditation/pdf/presence.html", _context(data))
    return pdf_from_html(html)


XLSX_HEADERS = [
    "Achternaam",
    "Voorletters",
    "Beroep",
    "BIG-nummer",
    "Beroepsvereniging / register",
    "Registratienummer",
    "Aanwezig (uren)",
    "Volledig aanwezig",
    "Status",
]


def presence_xlsx(*, data: Presence) -> bytes:
    """One sheet per registry; every number a text cell so no leading zero is lost."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    with translation.override("nl"):
        _fill_workbook(workbook, data)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fill_workbook(workbook: Workbook, data: Presence) -> None:
    context = _context(data)
    for section in context["registries"] or [None]:
        title = str(section["label"]) if section else "Aanwezigheid"
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append(["Organisator", context["organiser"]])
        sheet.append(["Titel", data.activity.title])
        sheet.append(["Datum", context["starts_at"].strftime("%d-%m-%Y")])
        if section:
            sheet.append(["Accreditatienummer", section["accreditation"].accreditation_id])
        sheet.append([])
        sheet.append(XLSX_HEADERS)
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
        for item in section["rows"] if section else []:
            row = item["row"]
            sheet.append(
                [
                    row.surname,
                    row.initials,
                    row.registration.get_profession_display(),
                    item["big"],
                    str(section["label"]),
                    item["number"],
                    float(item["hours"]),
                    "ja" if item["full"] else "nee",
                    row.registration.get_status_display(),
                ]
            )
            for column in (4, 6):
                cell = sheet.cell(row=sheet.max_row, column=column)
                cell.number_format = "@"
                cell.data_type = "s"
            for cell in sheet[sheet.max_row]:
                # openpyxl stores a string starting with "=" as a formula: a registrant's name
                # must never run in the coordinator's spreadsheet.
                if cell.data_type == "f":
                    cell.data_type = "s"
        for index, header in enumerate(XLSX_HEADERS, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(14, len(header) + 2)


def verification_url(code: str) -> str:
    return settings.SITE_URL + reverse("accreditation:verify", kwargs={"code": code})


def qr_data_uri(url: str) -> str:
    # PNG, not SVG: WeasyPrint lays out a raster image far faster than a path per module.
    # A fixed mask pattern skips scoring all eight (5× faster, measured); any mask decodes.
    image = qrcode.QRCode(box_size=4, border=2, mask_pattern=0)
    image.add_data(url)
    image.make(fit=True)
    buffer = io.BytesIO()
    image.make_image().save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _certificate_context(certificate: Certificate) -> dict:
    registration = certificate.registration
    activity = registration.activity
    url = verification_url(certificate.code)
    return {
        "certificate": certificate,
        "anchor": f"cert-{certificate.code}",
        "registration": registration,
        "activity": activity,
        "organiser": activity.workspace.name,
        "starts_at": timezone.localtime(activity.starts_at),
        "ends_at": timezone.localtime(activity.ends_at),
        "hours": attendance.hours(certificate.attended_minutes),
        "code": format_code(certificate.code),
        "url": url,
        "qr": qr_data_uri(url),
    }


def certificate_pdfs(*, certificates: list[Certificate]) -> dict[int, bytes]:
    """{certificate id: PDF}, laid out in one WeasyPrint document and split per certificate
    (each certificate starts a page and carries an anchor naming it)."""
    if not certificates:
        return {}
    by_anchor = {f"cert-{c.code}": c for c in certificates}
    sections = []
    for certificate in certificates:
        with translation.override(certificate.registration.language or settings.LANGUAGE_CODE):
            sections.append(
                render_to_string(
                    "accreditation/pdf/certificate_section.html",
                    _certificate_context(certificate),
                )
            )
    html = render_to_string("accreditation/pdf/certificates.html", {"sections": sections})
    document = _html_to_document(html)
    groups: dict[int, list] = {}
    current = None
    for page in document.pages:
        anchor = next((name for name in page.anchors if name in by_anchor), None)
        if anchor is not None:
            current = by_anchor[anchor].pk
            groups[current] = []
        if current is not None:
            groups[current].append(page)
    return {pk: document.copy(pages).write_pdf() for pk, pages in groups.items()}


def certificate_pdf(*, certificate: Certificate) -> bytes:
    """The stored PDF, rendered and stored now if it is not there yet."""
    stored = Certificate.objects.filter(pk=certificate.pk).values_list("pdf", flat=True).first()
    if stored:
        return bytes(stored)
    pdf = certificate_pdfs(certificates=[certificate])[certificate.pk]
    Certificate.objects.filter(pk=certificate.pk).update(pdf=pdf)
    return pdf


def render_missing(*, certificate_ids: list[int]) -> int:
    """Render and store the PDFs of these certificates that have none, in one layout."""
    missing = list(
        Certificate.objects.filter(
            pk__in=certificate_ids, pdf__isnull=True, revoked_at__isnull=True
        )
        .select_related("registration__activity__workspace")
        .defer("pdf")
        .order_by("pk")
    )
    for pk, pdf in certificate_pdfs(certificates=missing).items():
        Certificate.objects.filter(pk=pk).update(pdf=pdf)
    return len(missing)
