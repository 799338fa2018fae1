from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views
from .access import universities_for_upload
from .viewsets import h5p_content_chooser_viewset


@hooks.register("register_admin_viewset")
def register_h5p_chooser():
    return h5p_content_chooser_viewset


@hooks.register("register_admin_urls")
def register_h5p_admin_urls():
    urls = [
        path("", admin_views.content_list, name="index"),
        path("upload/", admin_views.upload, name="upload"),
    ]
    return [path("h5p/", include((urls, "h5p_admin"), namespace="h5p_admin"))]


class UploaderMenuItem(MenuItem):
    def is_shown(self, request):
        return universities_for_upload(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_h5p_menu_item():
    return UploaderMenuItem(
        _("H5P activities"), reverse("h5p_admin:index"), icon_name="form", order=400
    )
