from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "uploads"
    verbose_name = "Uploads"

    def ready(self):
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model

        from universities.admin_views import bulk_visible_register

        from .access import documents_for_admin, images_for_admin

        # Bulk actions on images and documents take only those the viewer may see.
        for model, visible in (
            (get_image_model(), images_for_admin),
            (get_document_model(), documents_for_admin),
        ):
            bulk_visible_register(
                model._meta.app_label,
                model._meta.model_name,
                lambda user, pks, visible=visible: set(
                    visible(user).filter(pk__in=pks).values_list("pk", flat=True)
                ),
            )
