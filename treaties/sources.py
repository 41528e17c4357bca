"""The shared status tables' format and where their rows come from: the columns of
``fixtures/status/*.csv`` (read by the data loader and by the ratification records' CSV import),
which source addresses are the depositary's own and which are news reports."""

from .models import SourceKind

STATUS_COLUMNS = [
    "participant",
    "iso3166_alpha2",
    "signature_date",
    "consent_date",
    "consent_type",
    "entry_into_force_date",
    "reservations_or_declarations",
    "source_url",
]
# The date the source stood at and the copy actually read (added to the tables in 2026; the CSV
# import accepts files without them).
SOURCE_DATE_COLUMNS = ["source_as_at", "via_url"]
DEPOSITARY_SOURCES = (
    "treaties.un.org",
    "github.com/allucinaria/XML",  # a copy of the UN's own MTDSG record
    "github.com/zmjones/untreaties",  # a word-for-word copy of the UN's status table
    "coe.int",
    "asean.org",
)


# News reports among the sources of the status tables (fixtures/status/README.md): a row whose
# only source is one of them is flagged on the pages and in the data.
NEWS_SOURCES = (
    "1343actionline.ph",
    "allafrica.com",
    "aseantribune.com",
    "corecommunique.com",
    "irrawaddy.com",
    "koreaherald.com",
    "loc.gov/law/foreign-news",
    "masress.com",
    "metrotvnews.com",
    "middleeastmonitor.com",
    "mizanonline.ir",
    "onecitizendaily.com",
    "praguemonitor.com",
    "sankei.com",
    "thediplomat.com",
    "islandtimes.org",
)


def source_kind(url):
    if not url:
        return ""
    if any(marker in url for marker in DEPOSITARY_SOURCES):
        return SourceKind.DEPOSITARY
    if any(marker in url for marker in NEWS_SOURCES):
        return SourceKind.NEWS
    return SourceKind.SECONDARY
