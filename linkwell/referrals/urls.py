from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/", views.start, name="start"),
    path("new/person/", views.add_person, name="add_person"),
    path("new/<int:person_pk>/", views.create, name="create"),
    path("triage/", views.triage, name="triage"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/reject/", views.reject, name="reject"),
]
