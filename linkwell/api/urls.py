from django.http import HttpRequest, HttpResponse
from django.urls import path
from ninja.openapi.views import openapi_view

from .main import api


def docs(request: HttpRequest) -> HttpResponse:
    return openapi_view(request, api=api)


urlpatterns = [
    path("v1/", api.urls),
    path("docs", docs, name="api-docs"),
]
