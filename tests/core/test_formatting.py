import datetime as dt

from django.template import Context, Template
from django.utils import translation

from core.formatting import abbr_date, date_format_for_language


def test_abbr_date_writes_dutch_months_in_lower_case():
    with translation.override("nl"):
        assert abbr_date(dt.date(2027, 3, 2), "j M Y") == "2 mrt 2027"
        assert abbr_date(dt.date(2026, 12, 1), "M Y") == "dec 2026"


def test_abbr_date_keeps_english_months_capitalised():
    with translation.override("en"):
        assert abbr_date(dt.date(2027, 3, 2), "j M Y") == "2 Mar 2027"


def test_escaped_m_stays_literal():
    assert date_format_for_language(r"j \M M", "nl") == r"j \M b"


def test_abbr_date_filter_in_a_template():
    template = Template('{% load wijktour_dates %}{{ day|abbr_date:"j M" }}')
    with translation.override("nl"):
        assert template.render(Context({"day": dt.date(2027, 3, 2)})) == "2 mrt"


def test_theme_label_is_english_in_english_when_there_is_one():
    from network.models import Theme

    theme = Theme(name="Eenzaamheid", name_en="Loneliness", slug="eenzaamheid")
    bare = Theme(name="Taal", slug="taal")

    with translation.override("en"):
        assert (str(theme), bare.label) == ("Loneliness", "Taal")
    with translation.override("nl"):
        assert str(theme) == "Eenzaamheid"
