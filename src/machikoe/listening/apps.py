from django.apps import AppConfig


class ListeningConfig(AppConfig):
    name = "machikoe.listening"
    label = "listening"
    verbose_name = "広聴"
