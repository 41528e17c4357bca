from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from treatykb.availability import healthz

handler500 = "treatykb.availability.server_error_view"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/v1/", include("treatykb.api_urls", namespace="api")),
    path("", include("provisions.urls")),
    path("", include("treaties.urls")),
]

if settings.TREATYKB_BENCH:  # the benchmark's floor: a constant response (bench/README.md)
    from treatykb.bench import floor

    urlpatterns.insert(0, path("bench/floor/", floor, name="bench_floor"))
