"""The domain's fixed vocabularies (see the glossary): domains, professions, Positive Health."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Domain(models.TextChoices):
    MEDICAL = "medisch", _("Medical / care")
    SOCIAL = "sociaal", _("Social domain")
    WELFARE = "welzijn", _("Welfare")
    HOUSING = "wonen", _("Housing")
    INFORMAL = "informeel", _("Informal / volunteers")
    CULTURE = "cultuur", _("Culture")
    SPORT = "sport", _("Sport & exercise")
    EDUCATION = "onderwijs", _("Education")
    WORK = "werk", _("Work & income")


# Marker colours on maps, chosen for contrast against OSM tiles and for each other.
DOMAIN_COLOURS: dict[str, str] = {
    Domain.MEDICAL: "#c0392b",
    Domain.SOCIAL: "#1f6fb2",
    Domain.WELFARE: "#1e8449",
    Domain.HOUSING: "#7d3c98",
    Domain.INFORMAL: "#b9770e",
    Domain.CULTURE: "#a93226",
    Domain.SPORT: "#117a65",
    Domain.EDUCATION: "#2e4053",
    Domain.WORK: "#6e2c00",
}


# A letter on each marker and in the legend, so domains differ without colour (WCAG 1.4.1).
DOMAIN_LETTERS: dict[str, str] = {
    Domain.MEDICAL: "M",
    Domain.SOCIAL: "S",
    Domain.WELFARE: "W",
    Domain.HOUSING: "H",
    Domain.INFORMAL: "I",
    Domain.CULTURE: "C",
    Domain.SPORT: "B",
    Domain.EDUCATION: "O",
    Domain.WORK: "A",
}


class Profession(models.TextChoices):
    GP = "huisarts", _("GP (huisarts)")
    POH_SOMATIC = "poh_somatiek", _("Practice nurse (POH-somatiek)")
    POH_MENTAL = "poh_ggz", _("Practice nurse mental health (POH-GGZ)")
    DOCTORS_ASSISTANT = "doktersassistent", _("Doctor's assistant")
    DISTRICT_NURSE = "wijkverpleegkundige", _("District nurse")
    PHYSIOTHERAPIST = "fysiotherapeut", _("Physiotherapist")
    OCCUPATIONAL_THERAPIST = "ergotherapeut", _("Occupational therapist")
    DIETITIAN = "dietist", _("Dietitian")
    PHARMACIST = "apotheker", _("Pharmacist")
    MIDWIFE = "verloskundige", _("Midwife")
    YOUTH_NURSE = "jeugdverpleegkundige", _("Youth nurse")
    WMO_CONSULTANT = "wmo_consulent", _("Wmo consultant")
    SOCIAL_WORKER = "sociaal_werker", _("Social worker")
    NEIGHBOURHOOD_TEAM = "wijkteammedewerker", _("Neighbourhood team member")
    ELDERLY_ADVISER = "ouderenadviseur", _("Elderly adviser / coach")
    DEBT_COUNSELLOR = "schuldhulpverlener", _("Debt counsellor")
    YOUTH_WORKER = "jongerenwerker", _("Youth worker")
    CARER_CONSULTANT = "mantelzorgconsulent", _("Informal-care consultant")
    SOCIAL_BROKER = "sociaal_makelaar", _("Social broker")
    CLIENT_SUPPORT = "clientondersteuner", _("Client support worker")
    POLICY_OFFICER = "beleidsmedewerker", _("Policy officer")
    VOLUNTEER = "vrijwilliger", _("Volunteer")
    OTHER = "anders", _("Other")


PROFESSION_DOMAIN: dict[str, str] = {
    Profession.GP: Domain.MEDICAL,
    Profession.POH_SOMATIC: Domain.MEDICAL,
    Profession.POH_MENTAL: Domain.MEDICAL,
    Profession.DOCTORS_ASSISTANT: Domain.MEDICAL,
    Profession.DISTRICT_NURSE: Domain.MEDICAL,
    Profession.PHYSIOTHERAPIST: Domain.MEDICAL,
    Profession.OCCUPATIONAL_THERAPIST: Domain.MEDICAL,
    Profession.DIETITIAN: Domain.MEDICAL,
    Profession.PHARMACIST: Domain.MEDICAL,
    Profession.MIDWIFE: Domain.MEDICAL,
    Profession.YOUTH_NURSE: Domain.MEDICAL,
    Profession.WMO_CONSULTANT: Domain.SOCIAL,
    Profession.SOCIAL_WORKER: Domain.SOCIAL,
    Profession.NEIGHBOURHOOD_TEAM: Domain.SOCIAL,
    Profession.ELDERLY_ADVISER: Domain.WELFARE,
    Profession.DEBT_COUNSELLOR: Domain.SOCIAL,
    Profession.YOUTH_WORKER: Domain.SOCIAL,
    Profession.CARER_CONSULTANT: Domain.WELFARE,
    Profession.SOCIAL_BROKER: Domain.WELFARE,
    Profession.CLIENT_SUPPORT: Domain.SOCIAL,
    Profession.POLICY_OFFICER: Domain.SOCIAL,
    Profession.VOLUNTEER: Domain.INFORMAL,
    Profession.OTHER: Domain.INFORMAL,
}


class HealthDimension(models.TextChoices):
    """Machteld Huber's six dimensions of Positive Health."""

    BODILY = "lichaamsfuncties", _("Bodily functions")
    MENTAL = "mentaal_welbevinden", _("Mental well-being")
    MEANING = "zingeving", _("Meaning")
    QUALITY_OF_LIFE = "kwaliteit_van_leven", _("Quality of life")
    PARTICIPATION = "meedoen", _("Participation")
    DAILY_FUNCTIONING = "dagelijks_functioneren", _("Daily functioning")


# Seed themes: (slug, Dutch name, English name, Positive Health dimensions).
THEMES: list[tuple[str, str, str, list[str]]] = [
    (
        "geldzorgen-schulden",
        "Geldzorgen & schulden",
        "Money worries & debt",
        [HealthDimension.QUALITY_OF_LIFE, HealthDimension.DAILY_FUNCTIONING],
    ),
    (
        "eenzaamheid",
        "Eenzaamheid",
        "Loneliness",
        [HealthDimension.MENTAL, HealthDimension.PARTICIPATION],
    ),
    (
        "mantelzorg",
        "Mantelzorg",
        "Informal care",
        [HealthDimension.QUALITY_OF_LIFE, HealthDimension.DAILY_FUNCTIONING],
    ),
    (
        "dementie",
        "Dementie",
        "Dementia",
        [HealthDimension.BODILY, HealthDimension.DAILY_FUNCTIONING],
    ),
    (
        "langer-thuis-wonen",
        "Langer thuis wonen (ouderen)",
        "Ageing at home",
        [HealthDimension.DAILY_FUNCTIONING, HealthDimension.QUALITY_OF_LIFE],
    ),
    (
        "gezonde-leefstijl-voeding",
        "Gezonde leefstijl & voeding",
        "Healthy lifestyle & food",
        [HealthDimension.BODILY],
    ),
    ("bewegen", "Bewegen", "Exercise", [HealthDimension.BODILY, HealthDimension.PARTICIPATION]),
    ("mentale-gezondheid", "Mentale gezondheid", "Mental health", [HealthDimension.MENTAL]),
    ("zingeving", "Zingeving", "Meaning in life", [HealthDimension.MEANING]),
    (
        "digitale-vaardigheden",
        "Digitale vaardigheden & laaggeletterdheid",
        "Digital skills & low literacy",
        [HealthDimension.PARTICIPATION, HealthDimension.DAILY_FUNCTIONING],
    ),
    ("taal", "Taal", "Language", [HealthDimension.PARTICIPATION]),
    (
        "werk-participatie",
        "Werk & participatie",
        "Work & participation",
        [HealthDimension.PARTICIPATION, HealthDimension.MEANING],
    ),
    (
        "jeugd-opvoeden",
        "Jeugd & opvoeden",
        "Youth & parenting",
        [HealthDimension.QUALITY_OF_LIFE, HealthDimension.MENTAL],
    ),
    (
        "kansrijke-start",
        "Kansrijke start",
        "A good start in life",
        [HealthDimension.BODILY, HealthDimension.QUALITY_OF_LIFE],
    ),
    ("wonen", "Wonen", "Housing", [HealthDimension.QUALITY_OF_LIFE]),
    (
        "vrijwilligerswerk",
        "Vrijwilligerswerk",
        "Volunteering",
        [HealthDimension.PARTICIPATION, HealthDimension.MEANING],
    ),
    ("cultuur", "Cultuur", "Culture", [HealthDimension.MEANING, HealthDimension.PARTICIPATION]),
    (
        "natuur-gezondheid",
        "Natuur & gezondheid",
        "Nature & health",
        [HealthDimension.BODILY, HealthDimension.MENTAL],
    ),
]
