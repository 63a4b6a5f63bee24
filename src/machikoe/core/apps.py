from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "machikoe.core"
    label = "core"
    verbose_name = "共通"
