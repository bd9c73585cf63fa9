import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import HouseholdFactory, MemberFactory
from workflows.household import idnumber

areas = st.from_regex(r"[1-9]\d{5}", fullmatch=True)
births = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2025, 12, 31))
sequences = st.integers(min_value=0, max_value=999)


@given(areas, births, sequences)
def test_every_well_formed_number_is_accepted_and_read(area, born, sequence):
    number = idnumber.compose(area, born, sequence)
    idnumber.validate_id_number(number)
    idnumber.validate_id_number(number.lower())  # a lower-case x is the same number
    assert idnumber.birth_date(number) == born
    assert idnumber.sex(number) == ("male" if sequence % 2 else "female")


@given(areas, births, sequences, st.sampled_from("0123456789X"))
def test_any_other_check_character_is_refused(area, born, sequence, wrong):
    number = idnumber.compose(area, born, sequence)
    if wrong == number[-1]:
        return
    with pytest.raises(ValidationError) as err:
        idnumber.validate_id_number(number[:-1] + wrong)
    assert err.value.code == "check"


@given(areas, births, sequences, st.integers(min_value=0, max_value=16), st.integers(1, 9))
def test_a_single_mistyped_digit_is_caught(area, born, sequence, position, shift):
    number = idnumber.compose(area, born, sequence)
    digit = str((int(number[position]) + shift) % 10)
    typo = number[:position] + digit + number[position + 1 :]
    with pytest.raises(ValidationError):
        idnumber.validate_id_number(typo)


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("62010219800101123", "身份证号码应为18位，当前为17位"),
        ("6201021980010112345", "身份证号码应为18位，当前为19位"),
        ("62010219800101A23X", "身份证号码前17位必须是数字，最后一位是数字或X"),
        ("620102199902301234", "身份证号码中的出生日期19990230不是有效日期"),
        ("620102288001011234", "身份证号码中的出生日期28800101不合理"),
        ("620102198001011230", "身份证号码校验位不正确，请核对后重新输入"),
    ],
)
def test_bad_numbers_get_a_clear_message(number, message):
    with pytest.raises(ValidationError) as err:
        idnumber.validate_id_number(number)
    assert err.value.messages == [message]


def test_a_member_form_reports_a_bad_number_and_saves_nothing(db):
    member = MemberFactory.build(household=HouseholdFactory(), id_number="620102198001011230")
    with pytest.raises(ValidationError) as err:
        member.full_clean()
    assert err.value.message_dict["id_number"] == ["身份证号码校验位不正确，请核对后重新输入"]


def test_one_person_cannot_belong_to_two_households(db):
    first = MemberFactory()
    twin = MemberFactory.build(household=HouseholdFactory(), id_number=first.id_number)
    with pytest.raises(ValidationError) as err:
        twin.full_clean()
    assert err.value.message_dict["id_number"] == [
        "该身份证号码已登记在另一户中，一人不能同时属于两户"
    ]


def test_birth_date_and_sex_come_from_the_number(db):
    member = MemberFactory(id_number=idnumber.compose("620102", datetime.date(1975, 6, 30), 123))
    assert (member.birth_date, member.sex) == (datetime.date(1975, 6, 30), "male")
    assert member.masked_id_number == "6201**********" + member.id_number[-4:]
