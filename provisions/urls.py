from django.urls import path

from . import views

app_name = "provisions"

urlpatterns = [
    path("pillars/", views.PillarListView.as_view(), name="pillar_list"),
    path("pillars/<slug:slug>/", views.PillarDetailView.as_view(), name="pillar_detail"),
    path("compare/", views.CompareView.as_view(), name="compare"),
    path("search/", views.SearchView.as_view(), name="search"),
]
