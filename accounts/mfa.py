"""Two-factor authentication for staff.

allauth's MFA app gives users TOTP and recovery codes, and asks for the code at login once a
user has activated it. `lms.staff_mfa` makes it mandatory at every staff door when
`ILM_REQUIRE_STAFF_MFA` is on (production's default).
"""

from allauth.mfa.models import Authenticator


def user_has_mfa(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
