import pytest
from django.utils import translation

from privacy.display import audit_line
from privacy.models import AuditEntry


def entry(action: str, object_type: str, summary: str) -> AuditEntry:
    return AuditEntry(action=action, object_type=object_type, summary=summary)


@pytest.mark.parametrize(
    ("stored", "dutch"),
    [
        (
            entry("created", "partner", "created: partner “Buurtkamer”"),
            "aangemaakt: partner “Buurtkamer”",
        ),
        (
            entry(
                "status_changed", "tour", "status changed: wijktour “Tour 1” (draft → published)"
            ),
            "status gewijzigd: wijktour “Tour 1” (concept → gepubliceerd)",
        ),
        (
            entry("changed", "stop", "changed: stop “Buurtkamer” in “Tour 1”"),
            "gewijzigd: halte “Buurtkamer” in “Tour 1”",
        ),
        (
            entry(
                "person_erased", "", "erased personal data on request: 2 registration(s) anonymised"
            ),
            "persoonsgegevens gewist op verzoek: 2 aanmeldingen geanonimiseerd",
        ),
        (entry("imported", "partner", "something else"), "something else"),
    ],
)
def test_audit_line_is_dutch_in_dutch(stored, dutch):
    with translation.override("nl"):
        assert audit_line(stored) == dutch


def test_audit_line_stays_english_in_english():
    stored = entry("created", "partner", "created: partner “Buurtkamer”")

    with translation.override("en"):
        assert audit_line(stored) == "created: partner “Buurtkamer”"
