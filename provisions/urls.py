from django.urls import path

from . import views

app_name = "provisions"

urlpatterns = [
    path("pillars/<slug:slug>/", views.PillarDetailView.as_view(), name="pillar_detail"),
    path("compare/", views.CompareView.as_view(), name="compare"),
]
