from django.apps import AppConfig


class InsightsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "linkwell.insights"
    label = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        # Keep the dashboard's summary rows current on every write (insights listens; the other apps never
        # import insights).
        from . import facts

        facts.connect_signals()
