"""The synthetic data set: deterministic, of the asked scale and the real data's shape, never
mixed with the real data unless asked."""

import hashlib

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from bench import synthetic
from provisions import search
from provisions.models import Provision
from tests.factories import TreatyFactory
from treaties.models import Participant, Ratification, Statement, Treaty

pytestmark = pytest.mark.django_db

TINY = synthetic.Scale(treaties=3, participants=40, records_per_treaty=12)


def generate(scale=TINY, **kwargs):
    return synthetic.generate(settings.TREATYKB_FIXTURES_DIR, scale, **kwargs)


def fingerprint():
    """A digest of every synthetic row's content (not its keys or timestamps)."""
    rows = []
    for p in Provision.objects.order_by("treaty__slug", "sort_key").prefetch_related("pillars"):
        tags = ",".join(sorted(x.slug for x in p.pillars.all()))
        rows.append(f"{p.treaty.slug}|{p.number}|{p.heading}|{p.text}|{tags}")
    for r in Ratification.objects.select_related("treaty", "participant").order_by(
        "treaty__slug", "participant__code"
    ):
        rows.append(
            f"{r.treaty.slug}|{r.participant.code}|{r.signature_on}|{r.consent_kind}|"
            f"{r.consent_on}|{r.entry_into_force_on}|{r.withdrawal_effective_on}"
        )
    for s in Statement.objects.order_by("ratification__treaty__slug", "text"):
        rows.append(f"{s.kind}|{s.article_reference}|{s.text}")
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def test_the_same_seed_gives_the_same_data_set_and_another_seed_a_different_one():
    generate(seed=7)
    first = fingerprint()
    generate(seed=7, replace=True)
    assert fingerprint() == first
    generate(seed=8, replace=True)
    assert fingerprint() != first


def test_the_data_set_has_the_asked_scale_and_the_real_shape():
    result = generate(synthetic.Scale(treaties=5, participants=60, records_per_treaty=20))
    treaties = list(Treaty.objects.order_by("slug"))
    assert [t.slug for t in treaties] == [f"synthetic-000{i}" for i in range(1, 6)]
    assert all(t.short_title.startswith("Synthetic ") for t in treaties)
    assert result.treaties == 5
    assert Participant.objects.count() == 60
    # Real ISO codes, so that every page and the map work.
    assert Participant.objects.filter(iso_alpha2__isnull=False).count() >= 59
    for treaty in treaties:
        assert 10 <= treaty.provisions.count() <= 120
        assert 5 <= treaty.ratifications.count() <= 60
    provisions = Provision.objects.all()
    assert provisions.count() == result.provisions
    assert provisions.filter(pillars__isnull=False).distinct().count() > provisions.count() / 2
    assert provisions.filter(text="", text_incomplete=False).count() == 0
    assert Ratification.objects.count() == result.ratifications
    assert Ratification.objects.filter(consent_kind="").exists()  # signatories
    assert Ratification.objects.filter(consent_on__isnull=True).exclude(consent_kind="").exists()
    assert Statement.objects.count() == result.statements > 0
    assert Statement.objects.filter(provisions__isnull=False).exists()


def test_every_synthetic_provision_is_indexed_for_full_text_search():
    generate()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM provisions_provision WHERE search_vector IS NULL")
            assert cursor.fetchone()[0] == 0
        else:
            cursor.execute(f"SELECT count(*) FROM {search.FTS_TABLE}")
            assert cursor.fetchone()[0] == Provision.objects.count()
    assert Provision.objects.search("shall").exists()


def test_it_refuses_a_database_that_holds_the_real_data_unless_told_to_mix():
    TreatyFactory(slug="untoc")
    with pytest.raises(CommandError, match="real data"):
        call_command("generate_synthetic_data", "--treaties", "2", "--participants", "20")
    assert not synthetic.synthetic_treaties().exists()
    call_command(
        "generate_synthetic_data", "--treaties", "2", "--participants", "20", "--allow-mixed"
    )
    assert synthetic.synthetic_treaties().count() == 2
    assert Treaty.objects.filter(slug="untoc").exists()


def test_it_refuses_to_generate_twice_unless_told_to_replace():
    call_command("generate_synthetic_data", "--treaties", "2", "--participants", "20")
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_synthetic_data", "--treaties", "2", "--participants", "20")
    call_command("generate_synthetic_data", "--treaties", "3", "--participants", "20", "--replace")
    assert synthetic.synthetic_treaties().count() == 3


def test_bad_scale_arguments_are_refused_with_a_message():
    with pytest.raises(CommandError, match="participants"):
        call_command("generate_synthetic_data", "--participants", "400")
    with pytest.raises(CommandError, match="treaties"):
        call_command("generate_synthetic_data", "--treaties", "0")
