"""Every change to the editorial models is recorded, once per object and edit, on both sides
of a link."""

import pytest
from django.conf import settings

from catalogue.loader import load
from common.history import grouped_history
from provisions.models import Provision
from tests.factories import PillarFactory, ProvisionFactory, RatificationFactory
from treaties.models import Ratification

pytestmark = pytest.mark.django_db


def test_a_saved_change_is_recorded_field_by_field():
    ratification = RatificationFactory(consent_on=None, consent_kind="")
    ratification.consent_kind = "ratification"
    ratification.save()
    latest, before = ratification.history.all()[:2]
    delta = latest.diff_against(before)
    assert latest.history_type == "~"
    assert delta.changed_fields == ["consent_kind"]


def test_linking_two_provisions_records_both_with_the_link():
    first, second = ProvisionFactory(), ProvisionFactory()
    first.related.add(second)
    assert [row.to_provision_id for row in first.history.first().related.all()] == [second.pk]
    assert [row.to_provision_id for row in second.history.first().related.all()] == [first.pk]


def test_unlinking_records_both_sides_without_the_link():
    first, second = ProvisionFactory(), ProvisionFactory()
    first.related.add(second)
    second.related.remove(first)
    assert not first.history.first().related.exists()
    assert not second.history.first().related.exists()
    assert first.history.count() == second.history.count() == 3


def test_tagging_from_the_pillar_side_records_the_provisions():
    pillar = PillarFactory(slug="protection")
    provisions = [ProvisionFactory(), ProvisionFactory()]
    pillar.provisions.add(*provisions)
    for provision in provisions:
        assert [row.pillar_id for row in provision.history.first().pillars.all()] == [pillar.pk]


def test_a_grouped_edit_is_one_record_with_its_author_and_reason(django_user_model):
    editor = django_user_model.objects.create_user("editor")
    provision = ProvisionFactory()
    other = ProvisionFactory()
    pillar = PillarFactory(slug="prevention")
    before = provision.history.count()
    with grouped_history(user=editor, reason="Corrected from the official text"):
        provision.heading = "Criminalization"
        provision.save()
        provision.pillars.set([pillar])
        provision.related.set([other])
    assert provision.history.count() == before + 1
    record = provision.history.first()
    assert record.history_user == editor
    assert record.history_change_reason == "Corrected from the official text"
    assert record.heading == "Criminalization"
    assert [r.pillar_id for r in record.pillars.all()] == [pillar.pk]
    assert [r.to_provision_id for r in other.history.first().related.all()] == [provision.pk]


def test_nothing_is_recorded_when_a_grouped_edit_fails():
    provision = ProvisionFactory()
    before = provision.history.count()
    with pytest.raises(RuntimeError), grouped_history():
        provision.heading = "Half-done"
        provision.save()
        raise RuntimeError
    assert provision.history.count() == before


def test_a_deletion_is_recorded():
    ratification = RatificationFactory()
    pk = ratification.pk
    ratification.delete()
    assert Ratification.history.filter(id=pk).first().history_type == "-"


def test_loading_the_data_twice_records_nothing_the_second_time():
    load(settings.TREATYKB_FIXTURES_DIR)
    counts = (Provision.history.count(), Ratification.history.count())
    assert counts == (Provision.objects.count(), Ratification.objects.count())
    load(settings.TREATYKB_FIXTURES_DIR)
    assert (Provision.history.count(), Ratification.history.count()) == counts
