from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "machikoe.plan"
    label = "plan"
    verbose_name = "計画"

    def ready(self) -> None:
        from machikoe.plan import signals

        signals.connect()
