from django import template

from ..pdf import verification_url
from ..selectors import credentials_for_learner

register = template.Library()


@register.inclusion_tag("certificates/dashboard_certificates.html")
def learner_certificates(user):
    """The learner's certificates with their download and share links, for the dashboard."""
    items = [
        {"credential": credential, "share_url": verification_url(credential)}
        for credential in credentials_for_learner(user)
    ]
    return {"items": items}
