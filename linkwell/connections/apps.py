from django.apps import AppConfig


class ConnectionsConfig(AppConfig):
    name = "linkwell.connections"
    label = "connections"
    verbose_name = "Connections"

    def ready(self) -> None:
        # Casework owns the referral timeline and offers a registry, so neither app imports the other's models
        # at import time; without casework there is no timeline to add to.
        try:
            from linkwell.casework.timeline import register_timeline_source
        except ImportError:
            return
        from .timeline import connection_entries

        register_timeline_source(connection_entries)
