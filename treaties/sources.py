"""The shared status tables' format and where their rows come from: the columns of
``fixtures/status/*.csv`` (read by the data loader and by the ratification records' CSV import)
and which source addresses are the depositary's own."""

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
DEPOSITARY_SOURCES = (
    "treaties.un.org",
    "github.com/allucinaria/XML",  # a copy of the UN's own MTDSG record
    "github.com/zmjones/untreaties",  # a word-for-word copy of the UN's status table
    "coe.int",
    "asean.org",
)


def source_kind(url):
    if not url:
        return ""
    if any(marker in url for marker in DEPOSITARY_SOURCES):
        return SourceKind.DEPOSITARY
    return SourceKind.SECONDARY
