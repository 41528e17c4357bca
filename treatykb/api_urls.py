"""The public API, version 1, mounted at /api/v1/ (namespace "api")."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from catalogue.api.views import ApiRootView, ChangeFeedViewSet, DownloadView
from common.api.problems import problem_type_view
from provisions.api.views import PillarViewSet, ProvisionViewSet
from treaties.api.views import (
    ParticipantViewSet,
    RatificationViewSet,
    StatementViewSet,
    TreatyViewSet,
)
from treaties.feeds import ParticipantActionsFeed, TreatyActionsFeed

app_name = "api"

router = SimpleRouter()
router.register("treaties", TreatyViewSet, basename="treaty")
router.register("pillars", PillarViewSet, basename="pillar")
router.register("participants", ParticipantViewSet, basename="participant")
router.register("statements", StatementViewSet, basename="statement")

# Provisions and ratification records have two-part public identifiers.
LIST = {"get": "list", "post": "create"}
CSV_LIST = {"get": "list"}
DETAIL = {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}

urlpatterns = [
    path("", ApiRootView.as_view(), name="root"),
    path("provisions/", ProvisionViewSet.as_view(LIST), name="provision-list"),
    path(
        "provisions/<slug:treaty>/<str:number>/",
        ProvisionViewSet.as_view(DETAIL),
        name="provision-detail",
    ),
    path("ratifications/", RatificationViewSet.as_view(LIST), name="ratification-list"),
    path(
        "ratifications/<slug:treaty>/<str:participant>/",
        RatificationViewSet.as_view(DETAIL),
        name="ratification-detail",
    ),
    # Each list's CSV address: the same list, always CSV (an operation of its own in the schema).
    *[
        path(
            f"{name}.csv",
            viewset.as_view(CSV_LIST, csv_only=True, basename=basename),
            name=f"{basename}-list-csv",
        )
        for name, viewset, basename in (
            ("treaties", TreatyViewSet, "treaty"),
            ("provisions", ProvisionViewSet, "provision"),
            ("pillars", PillarViewSet, "pillar"),
            ("participants", ParticipantViewSet, "participant"),
            ("ratifications", RatificationViewSet, "ratification"),
            ("statements", StatementViewSet, "statement"),
        )
    ],
    path("", include(router.urls)),
    path("changes/", ChangeFeedViewSet.as_view({"get": "feed"}), name="change-list"),
    path("download/", DownloadView.as_view(), name="download"),
    path("feeds/treaties/<slug:slug>.atom", TreatyActionsFeed(), name="treaty-feed"),
    path("feeds/participants/<str:code>.atom", ParticipantActionsFeed(), name="participant-feed"),
    path("problems/<slug:name>/", problem_type_view, name="problem"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
