from django.urls import path, re_path

from common.caching import cache_page_by_data_version as cached

from . import views

app_name = "catalogue"

urlpatterns = [
    path("", cached("home")(views.HomeView.as_view()), name="home"),
    path(
        "treaties/<slug:slug>/",
        cached("treaty")(views.TreatyDetailView.as_view()),
        name="treaty_detail",
    ),
    path("data/", cached("data")(views.DataView.as_view()), name="data"),
    re_path(
        r"^data/download/treatykb-(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})\.(?P<fmt>zip|json)$",
        views.DataDownloadView.as_view(),
        name="data_download",
    ),
    re_path(
        r"^data/download/treatykb\.(?P<fmt>zip|json)$",
        views.DataDownloadView.as_view(),
        name="data_download_latest",
    ),
]
