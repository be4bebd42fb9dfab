"""Move each kenniscafé's single accreditation_points / accrediting_body into an Accreditation
row. The free-text body is matched to a registry by keywords (unknown bodies become BIG, the
most common for kenniscafés with GPs); the text is kept in the notes."""

from django.db import migrations

KEYWORDS = [
    ("registerplein", ("registerplein", "sociaal domein", "adsd")),
    ("vv", ("v&v", "verpleeg", "verzorg", "kwaliteitsregister")),
    ("nvvpo", ("nvvpo", "praktijkondersteun")),
    ("lv_poh_ggz", ("poh-ggz", "poh ggz", "lv poh")),
    ("skj", ("skj", "jeugd")),
    ("big", ("aban", "algemene gezondheidszorg", "gaia", "huisarts", "big")),
]


def registry_for(body: str) -> str:
    text = (body or "").lower()
    for registry, words in KEYWORDS:
        if any(word in text for word in words):
            return registry
    return "big"


def forward(apps, schema_editor):
    KnowledgeSession = apps.get_model("knowledge_sessions", "KnowledgeSession")
    Accreditation = apps.get_model("accreditation", "Accreditation")
    rows = KnowledgeSession.objects.filter(accreditation_points__isnull=False).values_list(
        "activity_ptr_id", "accreditation_points", "accrediting_body"
    )
    Accreditation.objects.bulk_create(
        [
            Accreditation(
                activity_id=activity_id,
                registry=registry_for(body),
                points=points,
                status="granted",
                notes=(body or "")[:200],
            )
            for activity_id, points, body in rows
        ],
        ignore_conflicts=True,
    )


def backward(apps, schema_editor):
    KnowledgeSession = apps.get_model("knowledge_sessions", "KnowledgeSession")
    Accreditation = apps.get_model("accreditation", "Accreditation")
    for accreditation in Accreditation.objects.filter(activity__kind="session").order_by(
        "activity_id", "-points"
    ):
        KnowledgeSession.objects.filter(
            activity_ptr_id=accreditation.activity_id, accreditation_points__isnull=True
        ).update(
            accreditation_points=accreditation.points,
            accrediting_body=accreditation.notes or accreditation.registry,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accreditation", "0001_initial"),
        ("knowledge_sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
