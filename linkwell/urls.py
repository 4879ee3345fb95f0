from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve

from linkwell.accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("linkwell.accounts.urls")),
    path("people/", include("linkwell.people.urls")),
    # NHS.UK frontend's stylesheet refers to its icons under /assets/.
    re_path(r"^assets/(?P<path>.*)$", serve, {"document_root": settings.NHSUK_FRONTEND_DIR / "assets"}),
]
