"""NHS number and postcode validation, including property tests over generated numbers."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from linkwell.people.validators import format_nhs_number, normalise_nhs_number
from linkwell.places.models import Postcode
from linkwell.places.postcodes import normalise_postcode, postcode_shape

WEIGHTS = range(10, 1, -1)


def with_check_digit(stem: str) -> str | None:
    total = sum(int(d) * w for d, w in zip(stem, WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10:
        return None
    return stem + str(check)


# England and Wales numbers (4xx) and the synthetic test range (9xx); Scottish CHI numbers also encode a date.
valid_numbers = (
    st.tuples(st.sampled_from("49"), st.text(alphabet="0123456789", min_size=8, max_size=8))
    .map("".join)
    .map(with_check_digit)
    .filter(lambda n: n is not None and n != "0000000000")
)


@given(valid_numbers)
def test_every_number_with_a_correct_check_digit_passes(number: str) -> None:
    assert normalise_nhs_number(number) == number


@given(valid_numbers, st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_any_single_digit_change_fails(number: str, position: int, delta: int) -> None:
    digits = list(number)
    digits[position] = str((int(digits[position]) + delta) % 10)
    changed = "".join(digits)
    with pytest.raises(ValidationError):
        normalise_nhs_number(changed)


@given(valid_numbers)
def test_spaces_and_dashes_are_accepted_as_people_write_them(number: str) -> None:
    assert normalise_nhs_number(format_nhs_number(number)) == number
    assert normalise_nhs_number(f"{number[:3]}-{number[3:6]}-{number[6:]}") == number


def test_all_zeros_passes_modulus_11_but_is_refused() -> None:
    with pytest.raises(ValidationError, match="not a valid NHS number"):
        normalise_nhs_number("0000000000")


@pytest.mark.parametrize("bad", ["", "123", "94347659190", "943476591a", "nhs number"])
def test_wrong_lengths_and_letters_get_a_plain_message(bad: str) -> None:
    with pytest.raises(ValidationError, match="10 digits"):
        normalise_nhs_number(bad)


REAL_POSTCODES = ["LS1 4AP", "SW1A 2AA", "M1 1AE", "B33 8TH", "CR2 6XH", "EH1 1YZ", "BT1 5GS"]


@settings(max_examples=60)
@given(
    st.sampled_from(REAL_POSTCODES),
    st.sampled_from(["{}", "{lower}", "{compact}", "  {}  ", "{lower_compact}"]),
)
def test_live_postcodes_are_accepted_however_they_are_typed(postcode: str, shape: str) -> None:
    typed = shape.format(
        postcode,
        lower=postcode.lower(),
        compact=postcode.replace(" ", ""),
        lower_compact=postcode.replace(" ", "").lower(),
    )
    assert postcode_shape(typed) == postcode


@pytest.mark.django_db
@pytest.mark.parametrize("postcode", REAL_POSTCODES)
def test_live_postcodes_validate(postcode: str) -> None:
    assert normalise_postcode(postcode.lower()) == postcode


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !-", max_size=12))
def test_random_text_never_crashes_the_shape_check(text: str) -> None:
    result = postcode_shape(text)
    assert result is None or " " in result


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["", "NOT A POSTCODE", "LS1", "12345", "SW1A 2AAA"])
def test_malformed_postcodes_get_a_plain_message(bad: str) -> None:
    with pytest.raises(ValidationError, match="Enter a full UK postcode"):
        normalise_postcode(bad)


@pytest.mark.django_db
@pytest.mark.parametrize("missing", ["ZE9 9ZZ", "QQ1 1AA"])
def test_a_well_formed_postcode_that_does_not_exist_is_refused(missing: str) -> None:
    with pytest.raises(ValidationError, match="We cannot find"):
        normalise_postcode(missing)


@pytest.mark.django_db
def test_demo_postcodes_are_valid_only_when_the_demo_area_has_them() -> None:
    with pytest.raises(ValidationError, match="not one of the demo area's postcodes"):
        normalise_postcode("LW1 1AB")
    Postcode.objects.create(postcode="LW1 1AB", outcode="LW1", latitude=53.2, longitude=-1.45, is_demo=True)
    assert normalise_postcode("lw11ab") == "LW1 1AB"
