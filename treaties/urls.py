from django.urls import path

from common.caching import cache_page_by_data_version as cached

from . import views

app_name = "treaties"

urlpatterns = [
    path("treaties/", cached("treaty-list")(views.TreatyListView.as_view()), name="treaty_list"),
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
]
