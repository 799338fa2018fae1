from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views
from .access import may_install_libraries, universities_for_upload
from .viewsets import h5p_content_chooser_viewset


@hooks.register("register_admin_viewset")
def register_h5p_chooser():
    return h5p_content_chooser_viewset


@hooks.register("register_admin_urls")
def register_h5p_admin_urls():
    urls = [
        path("", admin_views.content_list, name="index"),
        path("upload/", admin_views.upload, name="upload"),
        path("<int:pk>/results/", admin_views.results, name="results"),
        path("<int:pk>/results.csv", admin_views.results_csv, name="results_csv"),
        path("<int:pk>/delete/", admin_views.content_delete, name="content_delete"),
        path("<int:pk>/replace/", admin_views.content_replace, name="content_replace"),
        path("libraries/", admin_views.library_list, name="libraries"),
        path("libraries/<int:pk>/delete/", admin_views.library_delete, name="library_delete"),
        path("libraries/update/", admin_views.library_update, name="library_update"),
        path(
            "libraries/update/<str:token>/",
            admin_views.library_update_confirm,
            name="library_update_confirm",
        ),
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


class LibraryManagerMenuItem(MenuItem):
    def is_shown(self, request):
        return may_install_libraries(request.user)


@hooks.register("register_settings_menu_item")
def register_h5p_libraries_menu_item():
    return LibraryManagerMenuItem(
        _("H5P libraries"), reverse("h5p_admin:libraries"), icon_name="form", order=900
    )
