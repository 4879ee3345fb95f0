from django.urls import path

from . import views

app_name = "casework"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("referrals/<int:pk>/", views.referral, name="referral"),
    path("referrals/<int:pk>/contacts/new/", views.contact_add, name="contact_add"),
    path("referrals/<int:pk>/assessment/", views.assessment_add, name="assessment_add"),
    path("referrals/<int:pk>/goals/new/", views.goal_add, name="goal_add"),
    path("referrals/<int:pk>/goals/<int:goal_pk>/progress/", views.goal_progress, name="goal_progress"),
    path("referrals/<int:pk>/goals/<int:goal_pk>/end/", views.goal_end, name="goal_end"),
    path("referrals/<int:pk>/status/<str:target>/", views.transition, name="transition"),
]
