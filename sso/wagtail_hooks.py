"""Platform staff give a university its identity provider: one admin screen, platform only."""

from django.core.exceptions import ValidationError
from django.forms.models import construct_instance
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from universities.access import is_platform_staff

from .forms import ProviderFieldsMixin
from .models import UniversitySignIn
from .saml import SAML_FIELDS, SAML_PROVIDER, saml_initial
from .services import saml_sign_in_save, sign_in_save

SETTING_FIELDS = [
    "student_number_claim",
    "name_claim",
    "role_source",
    "roles_claim",
    "instructor_values",
    "registrar_values",
    "local_passwords_allowed",
]


class PlatformStaffOnlyPolicy(ModelPermissionPolicy):
    """A university's identity provider is the platform's business, not the university's."""

    def user_has_permission(self, user, action):
        return is_platform_staff(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return is_platform_staff(user)


register_permission_policy(UniversitySignIn, PlatformStaffOnlyPolicy(UniversitySignIn))


class UniversitySignInForm(ProviderFieldsMixin, WagtailAdminModelForm):
    class Meta:
        model = UniversitySignIn
        fields = ["university", *SETTING_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            app = self.instance.social_app
            self.initial.setdefault("protocol", app.provider)
            if app.provider == SAML_PROVIDER:
                self.initial.update(saml_initial(app.settings))
            else:
                self.initial.setdefault("server_url", app.settings.get("server_url", ""))
                self.initial.setdefault("client_id", app.client_id)

    def _post_clean(self):
        # The SocialApp is written by the service, so the model is checked without it.
        exclude = self._get_validation_exclusions() | {"social_app"}
        self.instance = construct_instance(self, self.instance, self._meta.fields)
        try:
            self.instance.full_clean(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)

    def save(self, commit=True):
        data = self.cleaned_data
        settings = {field: data[field] for field in SETTING_FIELDS}
        existing = self.instance if self.instance.pk else None
        if data["protocol"] == SAML_PROVIDER:
            return saml_sign_in_save(
                university=data["university"],
                sign_in=existing,
                **{field: data.get(field, "") for field in SAML_FIELDS},
                **settings,
            )
        return sign_in_save(
            university=self.cleaned_data["university"],
            server_url=self.cleaned_data["server_url"],
            client_id=self.cleaned_data["client_id"],
            secret=self.cleaned_data.get("secret", ""),
            sign_in=self.instance if self.instance.pk else None,
            **{field: self.cleaned_data[field] for field in SETTING_FIELDS},
        )


class UniversitySignInViewSet(ModelViewSet):
    model = UniversitySignIn

    icon = "key"
    menu_label = _("University sign-in")
    menu_order = 850
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["university", "protocol", "role_source", "local_passwords_allowed"]

    def get_common_view_kwargs(self, **kwargs):
        # No history or usage pages are routed (below): the edit page must not link to them.
        return super().get_common_view_kwargs(
            **{"history_url_name": None, "usage_url_name": None, **kwargs}
        )

    def get_form_class(self, for_update=False):
        return UniversitySignInForm

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("add/", self.add_view, name="add"),
            path("edit/<str:pk>/", self.edit_view, name="edit"),
            path("delete/<str:pk>/", self.delete_view, name="delete"),
        ]


@hooks.register("register_admin_viewset")
def register_university_sign_in_viewset():
    return UniversitySignInViewSet("university_sign_in")
