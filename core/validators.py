"""Field validators shared by models, forms, the API and the CSV import."""

import re

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

POSTCODE_RE = re.compile(r"^\s*([1-9][0-9]{3})\s?([A-Za-z]{2})\s*$")


def normalise_postcode(value: str) -> str:
    """'1094ab' -> '1094 AB'. Raises ValidationError when it is not a Dutch postcode."""
    match = POSTCODE_RE.match(value or "")
    if not match or match.group(2).upper() in {"SA", "SD", "SS"}:
        raise ValidationError(_("Enter a Dutch postcode such as 1094 AB."), code="invalid_postcode")
    return f"{match.group(1)} {match.group(2).upper()}"


def validate_postcode(value: str) -> None:
    normalise_postcode(value)


def normalise_phone(value: str) -> str:
    """Any Dutch or international notation -> international format (+31 20 123 4567)."""
    try:
        number = phonenumbers.parse(value, "NL")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Enter a valid phone number."), code="invalid_phone") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Enter a valid phone number."), code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def validate_phone(value: str) -> None:
    normalise_phone(value)


def validate_latitude(value: float) -> None:
    south, _west, north, _east = settings.GEO_BOUNDS
    if value is None:
        return
    if not -90 <= value <= 90:
        raise ValidationError(_("Latitude must lie between -90 and 90."), code="out_of_range")
    if not south <= value <= north:
        raise ValidationError(
            _("Latitude %(value)s lies outside the service area (%(south)s–%(north)s)."),
            code="outside_area",
            params={"value": value, "south": south, "north": north},
        )


def validate_longitude(value: float) -> None:
    _south, west, _north, east = settings.GEO_BOUNDS
    if value is None:
        return
    if not -180 <= value <= 180:
        raise ValidationError(_("Longitude must lie between -180 and 180."), code="out_of_range")
    if not west <= value <= east:
        raise ValidationError(
            _("Longitude %(value)s lies outside the service area (%(west)s–%(east)s)."),
            code="outside_area",
            params={"value": value, "west": west, "east": east},
        )


def validate_geojson_polygon(value: dict | None) -> None:
    if value in (None, {}):
        return
    if not isinstance(value, dict) or value.get("type") not in {"Polygon", "MultiPolygon"}:
        raise ValidationError(
            _("The boundary must be a GeoJSON Polygon or MultiPolygon."), code="invalid_geojson"
        )
    if not isinstance(value.get("coordinates"), list) or not value["coordinates"]:
        raise ValidationError(_("The boundary has no coordinates."), code="invalid_geojson")
