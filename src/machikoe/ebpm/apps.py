from django.apps import AppConfig


class EbpmConfig(AppConfig):
    name = "machikoe.ebpm"
    label = "ebpm"
    verbose_name = "成果指標（EBPM）"
