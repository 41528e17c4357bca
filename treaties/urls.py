from django.urls import path, re_path

from . import views
from .caching import cache_page_by_data_version as cached

app_name = "treaties"

urlpatterns = [
    path("", cached("home")(views.HomeView.as_view()), name="home"),
    path("treaties/", cached("treaty-list")(views.TreatyListView.as_view()), name="treaty_list"),
    path(
        "treaties/<slug:slug>/",
        cached("treaty")(views.TreatyDetailView.as_view()),
        name="treaty_detail",
    ),
    path(
        "treaties/<slug:slug>/articles/<str:number>/",
        cached("article")(views.ArticleDetailView.as_view()),
        name="article_detail",
    ),
    path(
        "treaties/<slug:slug>/articles/<str:number>/cite.bib",
        views.ArticleCitationView.as_view(),
        {"fmt": "bib"},
        name="article_cite_bib",
    ),
    path(
        "treaties/<slug:slug>/articles/<str:number>/cite.json",
        views.ArticleCitationView.as_view(),
        {"fmt": "json"},
        name="article_cite_json",
    ),
    # Participation: participants, profiles, the matrix, data quality and downloads.
    path(
        "treaties/<slug:slug>/participants.csv",
        cached("treaty-csv")(views.TreatyParticipantsCSVView.as_view()),
        name="treaty_participants_csv",
    ),
    path(
        "countries/",
        cached("participants")(views.ParticipantListView.as_view()),
        name="participant_list",
    ),
    path(
        "countries/<str:code>/",
        cached("participant")(views.ParticipantDetailView.as_view()),
        name="participant_detail",
    ),
    path("matrix/", cached("matrix")(views.MatrixView.as_view()), name="matrix"),
    path("matrix.csv", cached("matrix-csv")(views.MatrixCSVView.as_view()), name="matrix_csv"),
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
