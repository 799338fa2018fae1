"""The claims a university's provider releases: email, name, student number, groups."""

import json

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


class UniversityClaims(OAuth2Validator):
    # Every claim goes out whatever the scope: the university releases what it configured.
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        people = json.loads(settings.IDP_PEOPLE)
        return dict(people.get(request.user.username, {}))
