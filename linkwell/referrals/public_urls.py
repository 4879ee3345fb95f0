from django.urls import path

from . import views

app_name = "self_referral"

urlpatterns = [
    path("<slug:scheme_slug>/", views.self_refer, name="form"),
    path("<slug:scheme_slug>/thank-you/", views.self_refer_done, name="done"),
]
