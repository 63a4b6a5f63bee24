from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "machikoe.participation"
    label = "participation"
    verbose_name = "意見募集"
