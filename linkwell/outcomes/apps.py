from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "linkwell.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"

    def ready(self) -> None:
        # Casework owns the referral timeline and offers a registry; outcomes adds its entries without casework
        # importing outcomes. Without casework there is no timeline to add to.
        try:
            from linkwell.casework.timeline import register_timeline_source
        except ImportError:
            return
        from .timeline import measure_entries

        register_timeline_source(measure_entries)
