from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "linkwell.casework"
    label = "casework"
    verbose_name = "Casework"
