"""What the demo universities' certificates carry: a drawn emblem as logo, a signatory, and
how learners are identified, set through the same services as the registrar's settings page.

Only what a university has not chosen yet is filled in, so re-running the seed keeps what
someone changed on the settings page.
"""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from certificates import policies
from certificates.models import CredentialPolicy
from universities.models import University

from .content.institutions import UNIVERSITIES

EMBLEM_SIZE = 240


def emblem_png(initials: str, colour: str) -> bytes:
    """A round emblem with the university's initials: obviously a demo, yet a real logo."""
    image = Image.new("RGBA", (EMBLEM_SIZE, EMBLEM_SIZE), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, EMBLEM_SIZE - 4, EMBLEM_SIZE - 4), fill=colour)
    draw.ellipse((20, 20, EMBLEM_SIZE - 20, EMBLEM_SIZE - 20), outline="white", width=6)
    font = ImageFont.load_default(size=EMBLEM_SIZE // (2 + len(initials) // 2))
    draw.text((EMBLEM_SIZE / 2, EMBLEM_SIZE / 2), initials, fill="white", font=font, anchor="mm")
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def certificate_branding_ensure(*, actor=None) -> int:
    """Give each demo university its logo, signatory and identification; returns how many
    universities got something new."""
    changed = 0
    for data in UNIVERSITIES:
        university = University.objects.get(code=data["code"])
        policy = CredentialPolicy.objects.filter(university=university).first()
        if university.logo_id is None:
            initials = data["code"].removeprefix("demo-").upper()
            logo = SimpleUploadedFile(
                f"{data['code']}-logo.png", emblem_png(initials, data["logo_colour"])
            )
            policies.university_logo_set(university=university, image_file=logo, actor=actor)
            changed += 1
        if policy is None:
            name, title = data["signatory"]
            policies.credential_policy_set(
                university=university,
                recipient_identification=data["recipient_identification"],
                actor=actor,
            )
            policies.certificate_signatory_set(
                university=university, name=name, title=title, actor=actor
            )
            changed += 1
    return changed
