"""The change log under real transactions: a write rolled back leaves no entry, and entries are
numbered in commit order even while two editors write at once (PostgreSQL: the log's lock), so
a client following cursors never skips a change."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from catalogue.models import Change
from tests.factories import ParticipantFactory, RatificationFactory, TreatyFactory
from treaties.models import Ratification

pytestmark = pytest.mark.django_db(
    transaction=True, databases=["default", "replica"], serialized_rollback=True
)


class Abandoned(Exception):
    pass


def newest():
    return Change.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_a_write_rolled_back_leaves_no_entry():
    record = RatificationFactory()
    before = newest()
    with pytest.raises(Abandoned), transaction.atomic():
        record.note = "Half-done."
        record.save()
        assert newest() > before  # listed inside the transaction...
        raise Abandoned
    assert newest() == before  # ...and gone with it


def test_one_transaction_lists_an_object_once_per_action():
    treaty = TreatyFactory()
    before = newest()
    with transaction.atomic():
        for code in ("AA", "BB", "CC"):
            RatificationFactory(treaty=treaty, participant=ParticipantFactory(code=code))
    listed = list(Change.objects.filter(pk__gt=before).values_list("kind", "object_id", "action"))
    assert listed.count(("treaty", treaty.slug, "updated")) == 1  # not once per record
    assert {
        ("ratification", f"{treaty.slug}/{code}", "created") for code in ("AA", "BB", "CC")
    } <= (set(listed))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
def test_entries_are_numbered_in_commit_order_under_concurrent_writes():
    first, second = RatificationFactory(), RatificationFactory()
    before = newest()
    first_listed = threading.Event()
    moments = {}

    def slow_writer():
        try:
            with transaction.atomic():
                Ratification.objects.get(pk=first.pk).save()  # takes the log's lock
                first_listed.set()
                time.sleep(1.0)  # a long transaction, still open
            moments["slow committed"] = time.monotonic()
        finally:
            connections.close_all()

    def quick_writer():
        try:
            first_listed.wait(5)
            with transaction.atomic():
                Ratification.objects.get(pk=second.pk).save()  # waits for the lock
            moments["quick committed"] = time.monotonic()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=slow_writer), threading.Thread(target=quick_writer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    # The quick write could not commit before the slow one: numbers follow commits.
    assert moments["slow committed"] <= moments["quick committed"]
    slow = Change.objects.filter(pk__gt=before, kind="ratification", object_id=record_id(first))
    quick = Change.objects.filter(pk__gt=before, kind="ratification", object_id=record_id(second))
    assert slow.get().pk < quick.get().pk


def record_id(record):
    return f"{record.treaty.slug}/{record.participant.code}"
