from django.apps import AppConfig


class DeliberationConfig(AppConfig):
    name = "machikoe.deliberation"
    label = "deliberation"
    verbose_name = "熟議"
