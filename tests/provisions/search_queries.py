"""The queries run on the shipped data on both databases (tests/provisions/test_search.py), with
the results they must give: search_expected.json, the same file for SQLite and PostgreSQL.
Regenerate it after a deliberate change to the engine or the data with
``python manage.py shell -c "from tests.provisions.search_queries import write; write()"``
on a database holding the shipped data, check the differences, and run the tests on both."""

import json
from pathlib import Path

EXPECTED = Path(__file__).with_name("search_expected.json")
TOP = 10

QUERIES = [
    # The examples.
    "organ",
    "forced labor",
    "non-punishment",
    "T visa",
    # Spellings, compounds, stemming.
    "organs",
    "forced labour",
    "labor",
    "non punishment",
    "nonpunishment",
    "visa",
    "organization",
    "organisation",
    "organized criminal group",
    "criminalization",
    "criminalisation",
    "defense",
    "offense",
    "co-operation",
    "cross-border",
    "non-refoulement",
    "non-governmental organizations",
    "trafficked",
    # Phrases and exclusions.
    '"victims of trafficking"',
    "victims of trafficking",
    '"residence permit"',
    '"mutual legal assistance"',
    "smuggling -migrants",
    'trafficking -"trafficking in persons"',
    # Subjects researchers search for.
    "compensation",
    "extradition",
    "child",
    "children",
    "money laundering",
    "corruption",
    "confiscation",
    "witness protection",
    "border measures",
    "travel documents",
    "recovery and reflection period",
    "repatriation",
    "return of victims",
    "sexual exploitation",
    "consent",
    "jurisdiction",
    "data protection",
    "training",
    "law enforcement",
    "civil society",
    "gender",
    "identification of victims",
    "assistance to victims",
    "entry into force",
    "reservations",
    "settlement of disputes",
    "shall",
    # Nothing to find.
    "trafficing",
    "zebra",
    "the of",
]


def results(query):
    from provisions.models import Provision

    found = Provision.objects.search(query).select_related("treaty")
    return {
        "count": found.count(),
        "top": [f"{p.treaty.slug}/{p.number} {p.rank}" for p in found[:TOP]],
    }


def all_results():
    return {query: results(query) for query in QUERIES}


def write():
    EXPECTED.write_text(json.dumps(all_results(), indent=1, ensure_ascii=False) + "\n")
