from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("settings/", views.settings, name="settings"),
]
