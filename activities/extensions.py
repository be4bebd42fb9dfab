"""Questions other apps add to registration, without activities importing them (activities
knows no kinds and no accreditation). An app registers its extension in AppConfig.ready().

An extension has four methods:
- `form_fields(*, activity)` → {name: django form field} added to the registration form;
- `api_fields()` → {name: DRF field} accepted by the registration API (all optional);
- `clean(*, activity, profession, data)` → (extra, errors): the values to keep, and
  {field name: message} for what is wrong (nothing is saved then);
- `created(*, registration, extra)`: called inside the transaction that creates the
  registration, so both are saved or neither.
"""

from __future__ import annotations

from typing import Any

_EXTENSIONS: dict[str, Any] = {}


def register_extension(name: str, extension: Any) -> None:
    _EXTENSIONS[name] = extension


def registration_extensions() -> tuple[Any, ...]:
    return tuple(_EXTENSIONS.values())


def clean_extensions(*, activity, profession: str, data) -> tuple[dict, dict[str, str]]:
    extra: dict = {}
    errors: dict[str, str] = {}
    for extension in registration_extensions():
        values, problems = extension.clean(activity=activity, profession=profession, data=data)
        extra.update(values)
        errors.update(problems)
    return extra, errors


def run_created(*, registration, extra) -> None:
    for extension in registration_extensions():
        extension.created(registration=registration, extra=extra)
