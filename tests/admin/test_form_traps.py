"""No silent form traps in the admin: what an editor types is either saved or refused with a
reason on the form, never dropped."""

import pytest
from django.urls import reverse

from tests.admin.test_editing import provision_form_data, ratification_data
from tests.factories import ParticipantFactory, ProvisionFactory, TreatyFactory
from treaties.models import Ratification

pytestmark = pytest.mark.django_db


def change_url(provision):
    return reverse("admin:provisions_provision_change", args=[provision.pk])


def test_a_typed_heading_left_unverified_is_a_form_error_not_a_hidden_heading(editor_client, untoc):
    article = ProvisionFactory(treaty=untoc, number="5", heading="", heading_verified=False)
    response = editor_client.post(
        change_url(article), provision_form_data(article, heading="Criminalization")
    )
    errors = response.context["adminform"].form.errors
    assert "to publish yours" in errors["heading_verified"][0]
    data = provision_form_data(article, heading="Criminalization", heading_verified="on")
    assert editor_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert (article.heading, article.heading_verified) == ("Criminalization", True)


def test_an_article_cannot_be_related_to_itself_or_its_own_treaty(editor_client, untoc):
    article = ProvisionFactory(treaty=untoc, number="5")
    sibling = ProvisionFactory(treaty=untoc, number="6")
    counterpart = ProvisionFactory(treaty=TreatyFactory(slug="palermo-protocol"), number="5")
    for wrong in ([article.pk], [sibling.pk]):
        response = editor_client.post(
            change_url(article), provision_form_data(article, related=wrong)
        )
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["related"]
    ok = provision_form_data(article, related=[counterpart.pk])
    assert editor_client.post(change_url(article), ok).status_code == 302
    assert list(article.related.all()) == [counterpart]


def test_dates_are_shown_and_read_as_yyyy_mm_dd_only(editor_client, untoc):
    participant = ParticipantFactory()
    data = ratification_data(untoc, participant, consent_kind="accession", consent_on="03/04/2012")
    response = editor_client.post(reverse("admin:treaties_ratification_add"), data)
    assert "YYYY-MM-DD" in str(response.context["adminform"].form.errors["consent_on"])
    data["consent_on"] = "2012-03-04"
    assert editor_client.post(reverse("admin:treaties_ratification_add"), data).status_code == 302
    record = Ratification.objects.get(participant=participant)
    page = editor_client.get(reverse("admin:treaties_ratification_change", args=[record.pk]))
    assert 'value="2012-03-04"' in page.content.decode()
