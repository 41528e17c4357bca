"""A read replica: anonymous reads go to it, writes and everything that must see them go to the
primary (treatykb/routers.py). The test settings declare the replica as a mirror of the primary
(``TEST: {"MIRROR": "default"}``): a second connection to the same test database, so each
query shows on the connection that ran it."""

import re

import pytest
from django.contrib.auth.models import User
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from common import caching
from provisions.models import Pillar
from tests.factories import TreatyFactory
from treaties.models import Treaty
from treatykb.routers import PrimaryReplicaRouter, reads_from_primary

# Transactional, so that what the primary writes is committed and visible on the replica's
# connection; serialized_rollback restores the rows migrations create (the editors' groups).
pytestmark = pytest.mark.django_db(
    transaction=True, databases=["default", "replica"], serialized_rollback=True
)

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def tables_read(context):
    return {
        table
        for query in context.captured_queries
        for table in re.findall(r'FROM "?(\w+)"?', query["sql"])
        if query["sql"].lstrip().upper().startswith("SELECT")
    }


def writes(context):
    return [query["sql"] for query in context.captured_queries if WRITE.match(query["sql"])]


@pytest.fixture
def on_both():
    """Capture the queries run on the primary and on the replica."""

    class Both:
        def __enter__(self):
            self.primary = CaptureQueriesContext(connections["default"]).__enter__()
            self.replica = CaptureQueriesContext(connections["replica"]).__enter__()
            return self

        def __exit__(self, *exc):
            self.replica.__exit__(*exc)
            self.primary.__exit__(*exc)

    return Both()


def test_the_router_sends_content_reads_to_the_replica_and_every_write_to_the_primary():
    assert router.db_for_read(Treaty) == "replica"
    assert router.db_for_write(Treaty) == "default"
    # Sign-in and sessions never lag behind a login.
    assert router.db_for_read(User) == "default"
    assert router.db_for_read(Token) == "default"
    # Migrations run on the primary only; rows from either database may be related.
    assert router.allow_migrate("default", "treaties") is True
    assert router.allow_migrate("replica", "treaties") is False
    assert router.allow_relation(Treaty(), Treaty()) is True


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_without_a_replica_every_read_goes_to_the_primary(settings):
    settings.DATABASES = {"default": settings.DATABASES["default"]}
    assert PrimaryReplicaRouter().db_for_read(Treaty) == "default"


def test_an_orm_write_runs_on_the_primary_and_the_next_read_on_the_replica(on_both):
    with on_both:
        TreatyFactory.build(slug="untoc", short_title="UNTOC").save()
        slugs = list(Treaty.objects.values_list("slug", flat=True))
    assert slugs == ["untoc"]
    assert any('INSERT INTO "treaties_treaty"' in sql for sql in writes(on_both.primary))
    assert "treaties_treaty" not in tables_read(on_both.primary)
    assert "treaties_treaty" in tables_read(on_both.replica)
    assert writes(on_both.replica) == []


def test_reads_inside_a_transaction_go_to_the_primary(on_both):
    TreatyFactory(slug="untoc")
    with on_both, transaction.atomic():
        assert router.db_for_read(Treaty) == "default"
        treaty = Treaty.objects.get(slug="untoc")
        treaty.short_title = "Organized Crime Convention"
        treaty.save()
    assert "treaties_treaty" in tables_read(on_both.primary)
    assert len(on_both.replica) == 0


def test_reads_can_be_pinned_to_the_primary():
    with reads_from_primary():
        assert router.db_for_read(Treaty) == "default"
        with reads_from_primary():
            assert router.db_for_read(Treaty) == "default"
        assert router.db_for_read(Treaty) == "default"
    assert router.db_for_read(Treaty) == "replica"


def test_an_anonymous_reader_is_served_from_the_replica(client, on_both):
    TreatyFactory(slug="untoc", short_title="UNTOC")
    with on_both:
        response = client.get("/treaties/")
    assert response.status_code == 200
    assert "UNTOC" in response.content.decode()
    assert len(on_both.replica) > 0
    assert len(on_both.primary) == 0


@pytest.mark.parametrize("seconds_after_the_edit, reads_from", [(3, "primary"), (30, "replica")])
def test_just_after_an_edit_anonymous_readers_are_served_from_the_primary(
    client, on_both, settings, monkeypatch, seconds_after_the_edit, reads_from
):
    """What they are served is cached for an hour under the new data version: it must not come
    from a replica that has not caught up yet (``DATABASE_REPLICA_MAX_LAG``)."""
    settings.TREATYKB_SHARED_CACHE = True
    settings.DATABASE_REPLICA_MAX_LAG = 10
    TreatyFactory(slug="untoc", short_title="UNTOC")
    edited = caching.version_time(caching.data_version()).timestamp()
    monkeypatch.setattr(caching, "now", lambda: edited + seconds_after_the_edit)
    with on_both:
        response = client.get("/treaties/")
    assert "UNTOC" in response.content.decode()
    used, unused = (
        (on_both.primary, on_both.replica)
        if reads_from == "primary"
        else (on_both.replica, on_both.primary)
    )
    assert len(used) > 0
    assert len(unused) == 0


def test_an_editor_sees_the_page_after_a_save_from_the_primary(client, on_both):
    """Replication lag must not show an editor the old value on the page the admin redirects
    to after saving: signed-in requests read from the primary."""
    admin = User.objects.create_superuser("admin", password="admin-password-123")
    pillar = Pillar.objects.create(slug="protection", name="Protection", position=1)
    client.force_login(admin)
    url = reverse("admin:provisions_pillar_change", args=[pillar.pk])
    with on_both:
        response = client.post(
            url,
            {"name": "Protection of victims", "description": "", "position": 1},
            follow=True,
        )
    assert response.redirect_chain[0][0] == reverse("admin:provisions_pillar_changelist")
    assert "Protection of victims" in response.content.decode()
    assert len(on_both.replica) == 0
    assert 'UPDATE "provisions_pillar"' in " ".join(writes(on_both.primary))


def test_an_api_client_with_a_token_reads_from_the_primary(client, on_both):
    TreatyFactory(slug="untoc")
    token = Token.objects.create(user=User.objects.create_user("reader", password="pw-12345678"))
    with on_both:
        response = client.get("/api/v1/treaties/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert len(on_both.replica) == 0
    assert "treaties_treaty" in tables_read(on_both.primary)
