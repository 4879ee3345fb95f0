from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve

from linkwell.accounts import views as account_views
from linkwell.directory import urls as directory_urls

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("linkwell.accounts.urls")),
    path("people/", include("linkwell.people.urls")),
    path("referrals/", include("linkwell.referrals.urls")),
    path("connections/", include("linkwell.connections.urls")),
    path("casework/", include("linkwell.casework.urls")),
    path("outcomes/", include("linkwell.outcomes.urls")),
    path("insights/", include("linkwell.insights.urls")),
    path("matching/", include("linkwell.matching.urls")),
    path("q/", include("linkwell.outcomes.public_urls")),
    path("refer-yourself/", include("linkwell.referrals.public_urls")),
    path("api/oruk/", include("linkwell.interop.openreferral.urls")),
    path("api/", include("linkwell.api.urls")),
    path("directory/", include((directory_urls.public_patterns, "directory_public"))),
    path("services/", include((directory_urls.app_patterns, "directory"))),
    # NHS.UK frontend's stylesheet refers to its icons under /assets/.
    re_path(r"^assets/(?P<path>.*)$", serve, {"document_root": settings.NHSUK_FRONTEND_DIR / "assets"}),
]
