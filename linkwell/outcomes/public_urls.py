from django.urls import path

from . import views

app_name = "questionnaire"

urlpatterns = [
    path("<str:token>/", views.questionnaire, name="complete"),
]
