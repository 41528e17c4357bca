from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from catalogue.admin import gaps_view
from review.views import activity_view
from treatykb.availability import healthz

handler500 = "treatykb.availability.server_error_view"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The editors' worklist of gaps in the data (catalogue/gaps.py), inside the admin.
    path(f"{settings.ADMIN_URL}gaps/", admin.site.admin_view(gaps_view), name="admin_gaps"),
    # Every change by everyone (review/activity.py), inside the admin.
    path(
        f"{settings.ADMIN_URL}activity/",
        admin.site.admin_view(activity_view),
        name="admin_activity",
    ),
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/v1/", include("treatykb.api_urls", namespace="api")),
    path("", include("catalogue.urls")),
    path("", include("provisions.urls")),
    path("", include("treaties.urls")),
]
