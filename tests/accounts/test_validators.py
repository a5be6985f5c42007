import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from accounts.validators import CREDIT_CODE_CHARS, credit_code_check_char, validate_credit_code

# Real, published codes (business licences of listed companies), check digits computed by GB 32100-2015.
KNOWN_VALID = ["91350100M000100Y43", "91110000802100433B", "914403001922038216"]


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_known_codes_pass(code):
    validate_credit_code(code)


def test_check_digit_by_hand():
    # 9·1+1·3+3·9+5·27+0·19+1·26+0·16+0·17+M(21)·20+0·29+0·25+0·13+1·8+0·24+0·10+Y(30)·30+4·28 = 1,640;
    # 1,640 mod 31 = 28; 31 - 28 = 3 → "3", the published code's last character.
    assert credit_code_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    "code, reason",
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y44", "checksum"),
        ("91350100M000100YI3", "charset"),
        ("", "length"),
    ],
)
def test_bad_codes_refused(code, reason):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.code == reason


@given(st.text(alphabet=CREDIT_CODE_CHARS, min_size=17, max_size=17), st.sampled_from(CREDIT_CODE_CHARS))
def test_exactly_one_check_char_is_valid(first17, last):
    code = first17 + last
    if last == credit_code_check_char(first17):
        validate_credit_code(code)
    else:
        with pytest.raises(ValidationError):
            validate_credit_code(code)
