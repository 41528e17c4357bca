from django.urls import include, path

from bench.instrumentation import floor

urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    path("", include("treatykb.urls")),
]

handler500 = "treatykb.availability.server_error_view"
