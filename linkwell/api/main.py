"""The JSON API: one NinjaAPI at /api/v1/, documented at /api/docs (DESIGN.md §5)."""

from __future__ import annotations

from ninja import NinjaAPI

from .auth import TokenAuth
from .errors import install_error_handlers
from .match import router as match_router
from .referrals import router as referrals_router

api = NinjaAPI(
    title="Linkwell API",
    version="1",
    description=(
        "Send social prescribing referrals and follow their status. Authenticate with an organisation's API "
        'token as `Authorization: Bearer <token>`. Every error has the shape `{"error": {"code", "message", '
        '"fields"}}`.'
    ),
    auth=TokenAuth(),
    urls_namespace="api-v1",
    docs_url="/docs",
)
install_error_handlers(api)
api.add_router("/", referrals_router)
api.add_router("/", match_router)
