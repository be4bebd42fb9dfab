import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from accreditation.registries import (
    Registry,
    fits,
    normalise_number,
    registries_for,
    split_name,
    validate_number,
)

DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=1)


def digits(n: int):
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


VALID = {
    Registry.BIG: digits(11),
    Registry.VV: st.one_of(digits(6), digits(11)),
    Registry.REGISTERPLEIN: digits(5).map(lambda rest: "4610" + rest),
    Registry.NVVPO: st.one_of(digits(3), digits(4)),
    Registry.LV_POH_GGZ: st.integers(3, 6).flatmap(digits),
    Registry.SKJ: st.integers(6, 9).flatmap(digits),
}
# Lengths no valid number of the registry has.
WRONG_LENGTHS = {
    Registry.BIG: [n for n in range(1, 16) if n != 11],
    Registry.VV: [n for n in range(1, 16) if n not in (6, 11)],
    Registry.REGISTERPLEIN: [n for n in range(1, 16) if n != 9],
    Registry.NVVPO: [n for n in range(1, 16) if n not in (3, 4)],
    Registry.LV_POH_GGZ: [n for n in range(1, 16) if not 3 <= n <= 6],
    Registry.SKJ: [n for n in range(1, 16) if not 6 <= n <= 9],
}


@pytest.mark.parametrize("registry", Registry.values)
@given(data=st.data())
def test_validate_number_random_valid_numbers_pass(registry, data):
    number = data.draw(VALID[registry])
    spaced = " ".join(number[i : i + 3] for i in range(0, len(number), 3))

    assert validate_number(registry=registry, value=number) == number
    assert validate_number(registry=registry, value=f"  {spaced} ") == number


@pytest.mark.parametrize("registry", Registry.values)
@given(data=st.data())
def test_validate_number_letter_inserted_fails(registry, data):
    number = data.draw(VALID[registry])
    position = data.draw(st.integers(0, len(number)))
    letter = data.draw(st.sampled_from("abcxyzOIl"))

    with pytest.raises(ValidationError):
        validate_number(registry=registry, value=number[:position] + letter + number[position:])


@pytest.mark.parametrize("registry", Registry.values)
@given(data=st.data())
def test_validate_number_wrong_length_fails(registry, data):
    length = data.draw(st.sampled_from(WRONG_LENGTHS[registry]))
    number = data.draw(digits(length))
    if registry == Registry.REGISTERPLEIN and length >= 4:
        number = "4610" + number[4:]

    with pytest.raises(ValidationError):
        validate_number(registry=registry, value=number)


@given(rest=digits(5), prefix=digits(4).filter(lambda p: p != "4610"))
def test_validate_number_registerplein_other_prefix_fails(rest, prefix):
    with pytest.raises(ValidationError):
        validate_number(registry=Registry.REGISTERPLEIN, value=prefix + rest)


def test_validate_number_message_names_the_format():
    with pytest.raises(ValidationError) as error:
        validate_number(registry=Registry.BIG, value="1234")

    assert error.value.messages == ["Een BIG-nummer heeft 11 cijfers; “1234” niet."]


def test_normalise_number_keeps_leading_zeros():
    assert normalise_number(" 012 345-678.90 1") == "01234567890" + "1"


def test_fits_gp_big_only():
    assert registries_for(profession="huisarts") == ["big"]
    assert fits(registry="registerplein", profession="sociaal_werker")
    assert not fits(registry="big", profession="wmo_consulent")
    assert registries_for(profession="anders") == Registry.values


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Anna de Vries", ("A.", "de Vries")),
        ("Anna Maria van der Berg", ("A.M.", "van der Berg")),
        ("Jan Jansen", ("J.", "Jansen")),
        ("Cher", ("", "Cher")),
        ("", ("", "")),
    ],
)
def test_split_name_initials_and_surname(name, expected):
    assert split_name(name) == expected
