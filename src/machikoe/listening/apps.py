from django.apps import AppConfig


class ListeningConfig(AppConfig):
    name = "machikoe.listening"
    label = "listening"
    verbose_name = "広聴"

    def ready(self) -> None:
        from machikoe.listening import signals

        signals.connect()
