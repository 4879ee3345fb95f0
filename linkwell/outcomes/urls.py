from django.urls import path

from . import views

app_name = "outcomes"

urlpatterns = [
    path("due/", views.due, name="due"),
    path("settings/", views.settings, name="settings"),
    path("referrals/<int:pk>/", views.referral_outcomes, name="referral"),
    path("referrals/<int:pk>/record/<str:timepoint>/<str:measure>/", views.record, name="record"),
    path("referrals/<int:pk>/link/", views.create_link, name="create_link"),
]
