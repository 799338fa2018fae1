"""The admin chooser for H5P content: lesson editors pick from their universities' activities."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic.chooser import (
    ChooseResultsView,
    ChooseView,
    ChosenMultipleView,
    ChosenView,
)
from wagtail.admin.viewsets.chooser import ChooserViewSet

from universities.access import object_or_404

from .access import contents_for_staff


class ScopedObjectList:
    # An editor only ever sees content owned by universities they teach or edit at.
    def get_object_list(self):
        return contents_for_staff(self.request.user).select_related("main_library", "university")


class H5PContentChooseView(ScopedObjectList, ChooseView):
    pass


class H5PContentChooseResultsView(ScopedObjectList, ChooseResultsView):
    pass


class H5PContentChosenView(ChosenView):
    # The "chosen" step takes an id from the URL: through the same gate as the list, so another
    # university's activity answers 404 like a missing one and its title never leaves.
    def get_object(self, pk):
        return object_or_404(contents_for_staff(self.request.user), pk=pk)


class H5PContentChosenMultipleView(ChosenMultipleView):
    def get_objects(self, pks):
        ids = [int(pk) for pk in pks if str(pk).isdigit()]
        return contents_for_staff(self.request.user).filter(pk__in=ids)


class H5PContentChooserViewSet(ChooserViewSet):
    model = "h5p.H5PContent"
    icon = "form"
    choose_one_text = _("Choose an H5P activity")
    choose_another_text = _("Choose another H5P activity")
    edit_item_text = _("Edit this H5P activity")
    choose_view_class = H5PContentChooseView
    choose_results_view_class = H5PContentChooseResultsView
    chosen_view_class = H5PContentChosenView
    chosen_multiple_view_class = H5PContentChosenMultipleView


h5p_content_chooser_viewset = H5PContentChooserViewSet("h5p_content_chooser")
