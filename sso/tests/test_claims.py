"""Reading a provider's claims: student number, name, roles; never a crash on odd input."""

from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sso.claims import ClaimsError, identity_from_claims, merged_claims


def config(**overrides):
    values = {
        "student_number_claim": "student_number",
        "name_claim": "name",
        "role_source": "ilm",
        "roles_claim": "groups",
        "instructor_values": "faculty",
        "registrar_values": "registry, records",
    }
    return SimpleNamespace(**{**values, **overrides})


def test_userinfo_overrides_the_id_token():
    claims = merged_claims(
        {"id_token": {"name": "Old", "student_number": "1"}, "userinfo": {"name": "New"}}
    )
    assert claims == {"name": "New", "student_number": "1"}


def test_learner_identity():
    identity = identity_from_claims(
        {"student_number": " S-1 ", "name": "Aziz  Karimov", "groups": ["faculty"]}, config()
    )
    assert (identity.student_number, identity.full_name, identity.roles) == (
        "S-1",
        "Aziz Karimov",
        None,
    )


def test_configured_claim_names_and_numeric_student_numbers():
    identity = identity_from_claims(
        {"matric": 20231001, "given_name": "Zarina", "family_name": "Rahimova"},
        config(student_number_claim="matric", name_claim="cn"),
    )
    assert (identity.student_number, identity.full_name) == ("20231001", "Zarina Rahimova")


@pytest.mark.parametrize("value", [None, "", "   ", ["S-1"], {"n": 1}, True, "x" * 65, "S-\x001"])
def test_missing_or_unusable_student_number_is_refused(value):
    with pytest.raises(ClaimsError, match="student number"):
        identity_from_claims({"student_number": value, "name": "A"}, config())


def test_roles_from_groups_need_no_student_number():
    identity = identity_from_claims(
        {"groups": ["records", "faculty"], "name": "Staff"}, config(role_source="claims")
    )
    assert identity.roles == {"instructor", "registrar"}
    assert identity.student_number == ""


def test_roles_claim_as_a_space_separated_string():
    identity = identity_from_claims(
        {"groups": "faculty other", "student_number": "9"}, config(role_source="claims")
    )
    assert identity.roles == {"instructor"}


def test_roles_from_claims_without_a_match_is_a_learner():
    identity = identity_from_claims(
        {"groups": ["students"], "student_number": "9"}, config(role_source="claims")
    )
    assert identity.roles == frozenset()
    with pytest.raises(ClaimsError):
        identity_from_claims({"groups": ["students"]}, config(role_source="claims"))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=10,
)


@given(
    st.dictionaries(
        st.sampled_from(["student_number", "name", "given_name", "family_name", "groups", "x"]),
        json_values,
    ),
    st.sampled_from(["ilm", "claims"]),
)
def test_any_claims_give_an_identity_or_a_clear_refusal(claims, role_source):
    try:
        identity = identity_from_claims(claims, config(role_source=role_source))
    except ClaimsError as error:
        assert "student number" in str(error)
    else:
        assert len(identity.student_number) <= 64
        assert len(identity.full_name) <= 200
        assert identity.student_number or identity.roles


@given(st.dictionaries(st.text(), json_values))
def test_merged_claims_take_any_extra_data(extra_data):
    assert isinstance(merged_claims(extra_data), dict)
