"""Every main page and endpoint runs the same number of queries on a synthetic data set and on
one three times its size (more treaties, participants and records): nothing grows with the data,
and the pages bounded to the core instruments (or a page of the other treaties) stay bounded.
The benchmark (bench/) measures the same at whole-collection scale."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import synthetic
from treaties.models import Statement

pytestmark = pytest.mark.django_db

SMALL = synthetic.Scale(treaties=3, participants=40, records_per_treaty=12)
LARGE = synthetic.Scale(treaties=9, participants=120, records_per_treaty=36)

URLS = {
    "home": "/",
    "treaties": "/treaties/",
    "treaty": "/treaties/{treaty}/",
    "treaty-as-of": "/treaties/{treaty}/?as_of=2010-06-30",
    "article": "/treaties/{treaty}/articles/{article}/",
    "participant": "/countries/{participant}/",
    "participants": "/countries/",
    "matrix": "/matrix/",
    "matrix-chosen-treaties": "/matrix/?treaties={treaty}",
    "matrix-csv": "/matrix.csv",
    "data": "/data/",
    "pillars": "/pillars/",
    "pillar": "/pillars/protection/",
    "compare": "/compare/",
    "search-in-a-treaty": "/search/?q=shall&treaty={treaty}",
    "search": "/search/?q=shall+measures",
    "api-ratifications": "/api/v1/ratifications/?treaty={treaty}&status=party",
    "api-provision-search": "/api/v1/provisions/?q=shall+measures",
    "csv": "/treaties/{treaty}/participants.csv",
    "api-csv": "/api/v1/ratifications/?treaty={treaty}&format=csv",
}


def queries_at(scale, client, template):
    synthetic.generate(settings.TREATYKB_FIXTURES_DIR, scale, replace=True)
    # A statement that names an article: its treaty, article and participant are the subjects,
    # so that every prefetch has rows to fetch at both scales.
    statement = (
        Statement.objects.filter(provisions__isnull=False)
        .select_related("ratification__treaty", "ratification__participant")
        .order_by("ratification__treaty__slug", "pk")
        .first()
    )
    url = template.format(
        treaty=statement.ratification.treaty.slug,
        article=statement.provisions.first().number,
        participant=statement.ratification.participant.code,
    )
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("name", list(URLS))
def test_the_query_count_does_not_grow_with_the_data(name, client):
    small = queries_at(SMALL, client, URLS[name])
    large = queries_at(LARGE, client, URLS[name])
    assert small == large, f"{name}: {small} queries on the small data set, {large} on the large"
