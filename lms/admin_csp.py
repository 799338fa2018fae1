"""A Content Security Policy for the Wagtail admin.

The site's policy allows only our own scripts. Some Wagtail admin widgets (the date and
date-time pickers) still start from inline scripts without a nonce, so under `/admin/` the
policy also allows inline scripts. The admin is reached only by staff (with two-factor
authentication in production) and renders no learner-authored HTML unescaped.
"""

from django.conf import settings


class AdminContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith("/admin/"):
            policy = dict(settings.SECURE_CSP)
            policy["script-src"] = [*policy.get("script-src", ["'self'"]), "'unsafe-inline'"]
            # A nonce would make browsers ignore 'unsafe-inline'; the admin policy has none.
            policy["script-src"] = [s for s in policy["script-src"] if "NONCE" not in s.upper()]
            response._csp_config = policy
        return response
