from django.urls import path

from common.caching import cache_page_by_data_version as cached

from . import views

app_name = "provisions"

urlpatterns = [
    path("pillars/", cached("pillars")(views.PillarListView.as_view()), name="pillar_list"),
    path(
        "pillars/<slug:slug>/",
        cached("pillar")(views.PillarDetailView.as_view()),
        name="pillar_detail",
    ),
    path("compare/", cached("compare")(views.CompareView.as_view()), name="compare"),
    path("compare.csv", cached("compare-csv")(views.CompareCSVView.as_view()), name="compare_csv"),
    path("search/", cached("search")(views.SearchView.as_view()), name="search"),
    path(
        "treaties/<slug:slug>/articles/<str:number>/",
        cached("article")(views.ArticleDetailView.as_view()),
        name="article_detail",
    ),
    path(
        "treaties/<slug:slug>/articles/<str:number>/statements.csv",
        cached("article-statements-csv")(views.ArticleStatementsCSVView.as_view()),
        name="article_statements_csv",
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
]
