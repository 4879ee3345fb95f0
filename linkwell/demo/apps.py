from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "linkwell.demo"
    label = "demo"
    verbose_name = "Demo data"
