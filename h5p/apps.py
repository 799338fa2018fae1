from django.apps import AppConfig


class H5PConfig(AppConfig):
    name = "h5p"
