"""The admin chooser for H5P content: lesson editors pick from their universities' activities."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet

from .access import contents_for_staff


class ScopedObjectList:
    # An editor only ever sees content owned by universities they teach or edit at.
    def get_object_list(self):
        return contents_for_staff(self.request.user).select_related("main_library", "university")


class H5PContentChooseView(ScopedObjectList, ChooseView):
    pass


class H5PContentChooseResultsView(ScopedObjectList, ChooseResultsView):
    pass


class H5PContentChooserViewSet(ChooserViewSet):
    model = "h5p.H5PContent"
    icon = "form"
    choose_one_text = _("Choose an H5P activity")
    choose_another_text = _("Choose another H5P activity")
    edit_item_text = _("Edit this H5P activity")
    choose_view_class = H5PContentChooseView
    choose_results_view_class = H5PContentChooseResultsView


h5p_content_chooser_viewset = H5PContentChooserViewSet("h5p_content_chooser")
