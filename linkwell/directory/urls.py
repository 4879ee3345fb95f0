"""Directory URLs: `public_patterns` under /directory/ (no sign-in) and `app_patterns` under /services/."""

from django.urls import path

from .views import link_worker, moderation, provider, public

public_patterns = [
    path("<slug:scheme_slug>/", public.search, name="search"),
    path("<slug:scheme_slug>/services/<uuid:hsds_id>/", public.service_detail, name="service"),
]

app_patterns = [
    path("", link_worker.search, name="search"),
    path("mine/", provider.mine, name="mine"),
    path("moderation/", moderation.queue, name="moderation"),
    path("moderation/changes/<int:pk>/", moderation.review_change, name="review_change"),
    path("moderation/reports/<int:pk>/", moderation.resolve_report, name="resolve_report"),
    path("<int:pk>/", link_worker.detail, name="detail"),
    path("<int:pk>/report/", link_worker.report_problem, name="report_problem"),
    path("<int:pk>/edit/", provider.edit, name="edit"),
    path("<int:pk>/verify/", provider.verify, name="verify"),
    path("<int:pk>/history/", provider.history, name="history"),
]

# include((public_patterns, "directory_public")) and include((app_patterns, "directory")) in linkwell/urls.py.
