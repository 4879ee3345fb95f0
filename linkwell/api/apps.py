from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "linkwell.api"
    label = "api"
    verbose_name = "API"
