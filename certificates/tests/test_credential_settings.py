"""The registrar's certificate settings page: identification, signatory and logo, and who may
change them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import example, given, settings
from hypothesis import strategies as st
from wagtail.images.tests.utils import get_test_image_file

from audit.models import AuditEvent
from certificates import policies
from certificates.models import CredentialPolicy, RecipientIdentification
from tests.factories import UniversityFactory, make_member
from tests.strategies import awkward_text

PAGE = "/certificates/manage/settings/"


def save_url(university) -> str:
    return f"{PAGE}{university.code}/"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def fields(university, **values) -> dict:
    """A complete POST for `university`'s form (its fields carry the university's prefix)."""
    data = {
        "recipient_identification": RecipientIdentification.NAME,
        "signatory_name": "",
        "signatory_title": "",
        **values,
    }
    return {f"{university.code}-{name}": value for name, value in data.items()}


def png_upload(size=(640, 480)) -> SimpleUploadedFile:
    """A PNG as a browser uploads it (Wagtail's test image leaves its buffer at the end)."""
    image = get_test_image_file("logo.png", size=size)
    image.file.seek(0)
    return SimpleUploadedFile("logo.png", image.file.read(), content_type="image/png")


def state(university) -> tuple:
    """Everything a refused save must leave as it was."""
    university.refresh_from_db()
    policy = CredentialPolicy.objects.filter(university=university).first()
    return (
        policy and (policy.recipient_identification, policy.signatory_name, policy.signatory_title),
        university.logo_id,
        AuditEvent.objects.count(),
    )


@pytest.fixture
def registrar(university):
    return make_member("registrar", university, full_name="Registrar A")


@pytest.fixture
def other_university(db):
    return UniversityFactory(code="kaznu", name="Al-Farabi Kazakh National University")


def test_registrar_sees_only_their_universitys_form(registrar, university, other_university):
    response = login(registrar).get(PAGE)
    assert response.status_code == 200
    assert [u for u, _form in response.context["entries"]] == [university]
    body = response.content.decode()
    assert save_url(university) in body and save_url(other_university) not in body


def test_saving_sets_identification_signatory_and_logo(registrar, university):
    data = fields(
        university,
        recipient_identification=RecipientIdentification.NAME_AND_EMAIL_HASH,
        signatory_name="  Dilshod Rahimov ",
        signatory_title="Rector",
    )
    data[f"{university.code}-logo"] = png_upload(size=(200, 100))
    response = login(registrar).post(save_url(university), data)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#settings-{university.code}")
    assert policies.recipient_identification(university) == "name+email-hash"
    assert policies.certificate_signatory(university) == ("Dilshod Rahimov", "Rector")
    university.refresh_from_db()
    assert university.logo is not None and university.logo.width == 200
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "credential_policy.changed",
        "credential_policy.signatory_changed",
        "university.logo_changed",
    } <= actions


def test_removing_the_logo(registrar, university):
    policies.university_logo_set(university=university, image_file=get_test_image_file())
    data = fields(university, remove_logo="on")
    assert login(registrar).post(save_url(university), data).status_code == 302
    university.refresh_from_db()
    assert university.logo is None


def test_saving_unchanged_settings_writes_no_audit_event(registrar, university):
    policies.credential_settings_set(
        university=university,
        recipient_identification="name",
        signatory_name="A",
        signatory_title="B",
    )
    before = AuditEvent.objects.count()
    data = fields(university, signatory_name="A", signatory_title="B")
    assert login(registrar).post(save_url(university), data).status_code == 302
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("logo.png", b"<?php echo 1; ?>", content_type="image/png"),
        SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        SimpleUploadedFile("logo.png", b"", content_type="image/png"),
    ],
    ids=["not-an-image", "svg", "empty"],
)
def test_a_logo_that_is_not_an_image_is_refused_and_nothing_is_saved(registrar, university, upload):
    before = state(university)
    data = fields(university, signatory_name="New Name")
    data[f"{university.code}-logo"] = upload
    response = login(registrar).post(save_url(university), data)
    assert response.status_code == 400
    assert response.context["entries"][0][1].errors
    assert state(university) == before


def test_unknown_identification_and_overlong_names_are_refused(registrar, university):
    before = state(university)
    for data in (
        fields(university, recipient_identification="plain-email"),
        fields(university, signatory_name="x" * 201),
    ):
        response = login(registrar).post(save_url(university), data)
        assert response.status_code == 400
    assert state(university) == before


def test_upload_and_remove_together_is_refused(registrar, university):
    data = fields(university, remove_logo="on")
    data[f"{university.code}-logo"] = png_upload()
    response = login(registrar).post(save_url(university), data)
    assert response.status_code == 400
    assert "not both" in response.content.decode()


def test_another_universitys_settings_cannot_be_saved(registrar, other_university):
    before = state(other_university)
    response = login(registrar).post(save_url(other_university), fields(other_university))
    assert response.status_code == 404
    assert state(other_university) == before


def test_learners_and_instructors_are_refused(university):
    for role in ("learner", "instructor"):
        member = make_member(role, university)
        assert login(member).get(PAGE).status_code == 403
        response = login(member).post(save_url(university), fields(university))
        assert response.status_code == 403
    assert CredentialPolicy.objects.count() == 0


def test_anonymous_is_sent_to_sign_in(university):
    response = Client().get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_platform_staff_see_every_university(university, other_university):
    staff = make_member("learner", university)
    staff.is_superuser = True
    staff.save()
    response = login(staff).get(PAGE)
    assert {u.code for u, _form in response.context["entries"]} >= {"tnu", "kaznu"}


# --- hostile input ---------------------------------------------------------------------------

FUZZ = settings(max_examples=30, deadline=None)
awkward = awkward_text(max_size=260)


@FUZZ
@given(
    values=st.fixed_dictionaries(
        {},
        optional={
            "recipient_identification": st.one_of(
                awkward, st.sampled_from(RecipientIdentification.values)
            ),
            "signatory_name": awkward,
            "signatory_title": awkward,
            "remove_logo": awkward,
            "logo": st.binary(max_size=200),
        },
    )
)
@example(values={"logo": b"\x89PNG\r\n\x1a\n"})
@example(values={"recipient_identification": "name", "signatory_name": "\x00"})
def test_any_post_is_saved_or_refused_whole_never_a_500(registrar, university, values):
    before = state(university)
    data = {f"{university.code}-{name}": value for name, value in values.items() if name != "logo"}
    if "logo" in values:
        data[f"{university.code}-logo"] = SimpleUploadedFile("logo.png", values["logo"])
    response = login(registrar).post(save_url(university), data)
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        assert state(university) == before
    else:
        assert policies.recipient_identification(university) == values["recipient_identification"]
