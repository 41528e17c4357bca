from django.urls import path

from . import views

app_name = "treaties"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("treaties/", views.TreatyListView.as_view(), name="treaty_list"),
    path("treaties/<slug:slug>/", views.TreatyDetailView.as_view(), name="treaty_detail"),
    path(
        "treaties/<slug:slug>/articles/<str:number>/",
        views.ArticleDetailView.as_view(),
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
    path("countries/", views.ParticipantListView.as_view(), name="participant_list"),
    path("countries/<str:code>/", views.ParticipantDetailView.as_view(), name="participant_detail"),
]
