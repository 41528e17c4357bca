from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("treatykb.api_urls", namespace="api")),
    path("", include("provisions.urls")),
    path("", include("treaties.urls")),
]
