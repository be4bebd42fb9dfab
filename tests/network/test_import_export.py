import csv
import io

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from network.models import Partner
from network.services import (
    CSV_COLUMNS,
    PartnerImportError,
    RowError,
    export_partners_csv,
    import_partners_csv,
    template_csv,
)
from tests.factories import (
    NeighbourhoodFactory,
    PartnerFactory,
    ThemeFactory,
    VisitingWindowFactory,
    WorkspaceFactory,
)

HEADER = (
    "name,slug,domain,address,postcode,city,latitude,longitude,phone,"
    "themes,neighbourhoods,visiting_hours\n"
)


def good_row(n: int, **overrides) -> str:
    values = {
        "name": f"Buurthuis {n}",
        "slug": f"buurthuis-{n}",
        "domain": "welzijn",
        "address": f"Javastraat {n}",
        "postcode": "1094 HW",
        "city": "Amsterdam",
        "latitude": "52.3625",
        "longitude": "4.939",
        "phone": "020 665 1234",
        "themes": "taal",
        "neighbourhoods": "indische-buurt",
        "visiting_hours": "mon 09:00-12:00; wo 13:00-16:00",
    } | overrides
    return ",".join(values.values()) + "\n"


@pytest.fixture
def workspace():
    workspace = WorkspaceFactory()
    NeighbourhoodFactory(workspace=workspace, slug="indische-buurt")
    ThemeFactory(slug="taal")
    return workspace


@pytest.mark.django_db
def test_import_partners_csv_creates_every_row(workspace):
    result = import_partners_csv(workspace=workspace, file=HEADER + good_row(1) + good_row(2))

    assert (result.created, result.updated) == (2, 0)
    partner = Partner.objects.get(slug="buurthuis-1")
    assert partner.workspace == workspace
    assert partner.phone == "+31 20 665 1234"
    assert [t.slug for t in partner.themes.all()] == ["taal"]
    assert [n.slug for n in partner.neighbourhoods.all()] == ["indische-buurt"]
    assert list(partner.visiting_windows.values_list("weekday", flat=True)) == [0, 2]


@pytest.mark.django_db
def test_import_partners_csv_writes_nothing_and_lists_every_bad_row(workspace):
    text = (
        HEADER
        + good_row(1)
        + good_row(2, postcode="12345")
        + good_row(3)
        + good_row(4, latitude="abc", themes="onbekend")
        + good_row(5, visiting_hours="maandag hele dag")
        + good_row(6, slug="buurthuis-1")
    )

    with pytest.raises(PartnerImportError) as caught:
        import_partners_csv(workspace=workspace, file=text)

    assert [(e.line, e.field) for e in caught.value.errors] == [
        (3, "postcode"),
        (5, "latitude"),
        (5, "themes"),
        (6, "visiting_hours"),
        (7, "slug"),
    ]
    assert Partner.objects.count() == 0


@pytest.mark.django_db
def test_import_partners_csv_reports_missing_columns():
    with pytest.raises(PartnerImportError) as caught:
        import_partners_csv(workspace=WorkspaceFactory(), file="name,city\nA,Amsterdam\n")

    assert caught.value.errors == [
        RowError(
            1, "header", "Ontbrekende kolommen: address, domain, latitude, longitude, postcode."
        )
    ]


@pytest.mark.django_db
def test_import_partners_csv_refuses_slug_of_another_workspace(workspace):
    PartnerFactory(slug="buurthuis-1")

    with pytest.raises(PartnerImportError) as caught:
        import_partners_csv(workspace=workspace, file=HEADER + good_row(1))

    assert [(e.line, e.field) for e in caught.value.errors] == [(2, "slug")]


@pytest.mark.django_db
def test_import_partners_csv_updates_by_slug(workspace):
    import_partners_csv(workspace=workspace, file=HEADER + good_row(1))

    result = import_partners_csv(
        workspace=workspace, file=HEADER + good_row(1, name="Buurthuis Een", themes="")
    )

    assert (result.created, result.updated) == (0, 1)
    partner = Partner.objects.get(slug="buurthuis-1")
    assert partner.name == "Buurthuis Een"
    assert list(partner.themes.all()) == []


@pytest.mark.django_db
def test_import_partners_csv_reads_semicolons_and_makes_slugs(workspace):
    text = (
        "name;domain;address;postcode;city;latitude;longitude\n"
        "De Kaap;sport;Javaplein 1;1094hw;Amsterdam;52,3625;4,939\n"
    )

    import_partners_csv(workspace=workspace, file=text)

    partner = Partner.objects.get()
    assert (partner.slug, partner.postcode, partner.latitude) == ("de-kaap", "1094 HW", 52.3625)


@pytest.mark.django_db
def test_export_partners_csv_round_trips(workspace):
    theme = ThemeFactory(slug="bewegen")
    partner = PartnerFactory(
        workspace=workspace,
        themes=[theme],
        neighbourhoods=list(workspace.neighbourhoods.all()),
        max_group_size=12,
        website="https://example.org/a",
        is_active=False,
        description='Regel één, met "quotes"\nen een tweede regel.',
    )
    VisitingWindowFactory(partner=partner)
    PartnerFactory(workspace=workspace)
    first = io.StringIO()
    export_partners_csv(workspace=workspace, out=first)

    import_partners_csv(workspace=workspace, file=first.getvalue())
    second = io.StringIO()
    export_partners_csv(workspace=workspace, out=second)

    assert second.getvalue() == first.getvalue()
    rows = list(csv.DictReader(io.StringIO(first.getvalue())))
    assert sorted(r["is_active"] for r in rows) == ["no", "yes"]
    assert tuple(rows[0]) == CSV_COLUMNS


@pytest.mark.django_db
def test_export_partners_csv_into_other_workspace_after_renaming_slugs(workspace):
    PartnerFactory(workspace=workspace, slug="een")
    out = io.StringIO()
    export_partners_csv(workspace=workspace, out=out)
    other = WorkspaceFactory()
    NeighbourhoodFactory(workspace=other, slug="wijk-elders")

    text = out.getvalue().replace(",een,", ",een-kopie,")
    result = import_partners_csv(workspace=other, file=text)

    assert result.created == 1
    assert Partner.objects.get(slug="een-kopie").workspace == other


@pytest.mark.django_db
def test_template_csv_imports(workspace):
    ThemeFactory(slug="eenzaamheid")

    result = import_partners_csv(workspace=workspace, file=template_csv())

    assert result.created == 1


@pytest.mark.django_db
def test_import_partners_command_imports(workspace, tmp_path):
    path = tmp_path / "partners.csv"
    path.write_text(HEADER + good_row(1), encoding="utf-8")
    out = io.StringIO()

    call_command("import_partners", str(path), workspace=workspace.slug, stdout=out)

    assert out.getvalue().strip() == (
        f"Imported 1 partners (1 new, 0 updated) into {workspace.slug}."
    )


@pytest.mark.django_db
def test_import_partners_command_fails_with_line_numbers(workspace, tmp_path):
    path = tmp_path / "partners.csv"
    path.write_text(HEADER + good_row(1) + good_row(2, domain="astrologie"), encoding="utf-8")
    err = io.StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("import_partners", str(path), workspace=workspace.slug, stderr=err)

    assert str(caught.value) == f"Nothing imported: 1 problems in {path}."
    assert err.getvalue().startswith("line 3: domain: ")
    assert Partner.objects.count() == 0


@pytest.mark.django_db
def test_import_partners_command_exits_non_zero(workspace, tmp_path, capsys):
    path = tmp_path / "partners.csv"
    path.write_text("name\nA\n", encoding="utf-8")

    with pytest.raises(SystemExit) as caught:
        execute_from_command_line(
            ["manage.py", "import_partners", str(path), "--workspace", workspace.slug]
        )

    assert caught.value.code == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "line 1: header: Ontbrekende kolommen: "
        "address, city, domain, latitude, longitude, postcode."
    )
