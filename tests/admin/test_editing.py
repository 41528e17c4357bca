"""Editing in the admin: validation errors on the form (never a 500), the Protocol/UNTOC
warning, reservations linked to their articles, bulk pillar actions, and history: who changed
what, and restoring an earlier version."""

import csv
import datetime
import io

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.urls import reverse

from provisions.models import Provision
from tests.factories import (
    ParticipantFactory,
    ProvisionFactory,
    RatificationFactory,
    StatementFactory,
)
from treaties import columns
from treaties.models import Participant, Ratification, Statement

pytestmark = pytest.mark.django_db

ADD_RATIFICATION = "admin:treaties_ratification_add"


def ratification_data(treaty, participant, **values):
    data = {
        "treaty": treaty.pk,
        "participant": participant.pk,
        "recorded_name": participant.name,
        "signature_on": "",
        "consent_kind": "",
        "consent_on": "",
        "entry_into_force_on": "",
        "entry_into_force_basis": "",
        "withdrawal_notified_on": "",
        "withdrawal_effective_on": "",
        "source_url": "https://treaties.un.org/",
        "source_kind": "depositary",
        "note": "",
        "statements-TOTAL_FORMS": "0",
        "statements-INITIAL_FORMS": "0",
        "statements-MIN_NUM_FORMS": "0",
        "statements-MAX_NUM_FORMS": "1000",
    }
    data.update(values)
    return data


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_consent_before_signature_is_a_form_error(editor_client, untoc):
    participant = ParticipantFactory()
    response = editor_client.post(
        reverse(ADD_RATIFICATION),
        ratification_data(
            untoc,
            participant,
            signature_on="2005-01-01",
            consent_kind="ratification",
            consent_on="2004-01-01",
        ),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["consent_on"] == [
        "Consent cannot come before signature."
    ]
    assert not Ratification.objects.exists()


def test_a_duplicate_record_is_a_form_error(editor_client, untoc):
    existing = RatificationFactory(treaty=untoc)
    response = editor_client.post(
        reverse(ADD_RATIFICATION),
        ratification_data(untoc, existing.participant, signature_on="2001-01-01"),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert "already exists" in " ".join(errors)
    assert Ratification.objects.count() == 1


def test_a_record_with_neither_signature_nor_consent_is_a_form_error(editor_client, untoc):
    response = editor_client.post(
        reverse(ADD_RATIFICATION), ratification_data(untoc, ParticipantFactory())
    )
    assert response.status_code == 200
    assert "signature_on" in response.context["adminform"].form.errors


def test_a_protocol_party_not_party_to_untoc_is_saved_with_a_warning(
    editor_client, untoc, protocol
):
    participant = ParticipantFactory(name="Atlantis")
    response = editor_client.post(
        reverse(ADD_RATIFICATION),
        ratification_data(protocol, participant, consent_kind="accession", consent_on="2010-05-05"),
        follow=True,
    )
    assert Ratification.objects.filter(treaty=protocol, participant=participant).exists()
    warnings = [m for m in messages_of(response) if "not to UNTOC" in m]
    assert warnings == [
        "Atlantis is party to Palermo Protocol but not to UNTOC: a state must be party to UNTOC "
        "to become party to Palermo Protocol. Check the record."
    ]


def test_a_protocol_party_that_is_party_to_untoc_gets_no_warning(editor_client, untoc, protocol):
    participant = ParticipantFactory()
    RatificationFactory(treaty=untoc, participant=participant)
    response = editor_client.post(
        reverse(ADD_RATIFICATION),
        ratification_data(protocol, participant, consent_kind="accession", consent_on="2010-05-05"),
        follow=True,
    )
    assert not [m for m in messages_of(response) if "not to" in m]


def test_a_reservation_recorded_inline_is_linked_to_the_article_it_names(editor_client, untoc):
    article = ProvisionFactory(treaty=untoc, number="15")
    participant = ParticipantFactory()
    data = ratification_data(untoc, participant, consent_kind="accession", consent_on="2012-03-04")
    data.update(
        {
            "statements-TOTAL_FORMS": "1",
            "statements-0-kind": "reservation",
            "statements-0-article_reference": "15(2)",
            "statements-0-occasion": "accession",
            "statements-0-made_on": "2012-03-04",
            "statements-0-withdrawn_on": "",
            "statements-0-text": "Does not consider itself bound by article 15, paragraph 2.",
            "statements-0-source_url": "",
        }
    )
    response = editor_client.post(reverse(ADD_RATIFICATION), data)
    assert response.status_code == 302, response.context["errors"]
    record = Ratification.objects.get(participant=participant)
    assert record.entry_into_force_on == datetime.date(2012, 4, 3)
    statement = record.statements.get()
    assert list(statement.provisions.all()) == [article]


def test_a_reservation_cannot_name_an_article_of_another_treaty(editor_client, untoc, protocol):
    foreign = ProvisionFactory(treaty=protocol, number="6")
    record = RatificationFactory(treaty=untoc)
    data = ratification_data(
        untoc,
        record.participant,
        signature_on="2001-01-10",
        consent_kind="ratification",
        consent_on="2004-03-01",
    )
    data.update(
        {
            "statements-TOTAL_FORMS": "1",
            "statements-0-kind": "reservation",
            "statements-0-provisions": [foreign.pk],
            "statements-0-text": "A reservation.",
        }
    )
    response = editor_client.post(
        reverse("admin:treaties_ratification_change", args=[record.pk]), data
    )
    assert response.status_code == 200
    assert "belong to another" in response.content.decode()
    assert not record.statements.exists()


def test_bulk_actions_add_and_remove_a_pillar(editor_client, pillars, untoc):
    provisions = [ProvisionFactory(treaty=untoc) for _ in range(3)]
    url = reverse("admin:provisions_provision_changelist")
    selected = [p.pk for p in provisions[:2]]
    response = editor_client.post(
        url, {"action": "add_pillar_protection", "_selected_action": selected}, follow=True
    )
    assert "2 provision(s) tagged with Protection." in messages_of(response)
    assert set(Provision.objects.filter(pillars__slug="protection")) == set(provisions[:2])
    editor_client.post(
        url, {"action": "remove_pillar_protection", "_selected_action": [selected[0]]}
    )
    assert list(Provision.objects.filter(pillars__slug="protection")) == [provisions[1]]
    record = provisions[0].history.first()
    assert record.history_user.username == "editor"
    assert record.history_change_reason == "Bulk remove: Protection"


def test_selected_rows_export_as_csv(editor_client, untoc):
    record = RatificationFactory(treaty=untoc, participant=ParticipantFactory(name="Ruritania"))
    response = editor_client.post(
        reverse("admin:treaties_ratification_changelist"),
        {"action": "export_selected_csv", "_selected_action": [record.pk]},
    )
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(table[0]) == columns.RATIFICATION.header  # the columns of every other export
    assert len(table) == 1
    row = table[0]
    assert row["participant_name"] == "Ruritania"
    assert row["participant"] == record.participant.code
    assert (row["treaty"], row["signature_on"], row["consent_on"]) == (
        "untoc",
        "2001-01-10",
        "2004-03-01",
    )
    assert row["consent_kind"] == "ratification"
    assert row["statements_flagged"] in ("true", "false")


def test_export_all_respects_the_filters(editor_client, untoc):
    RatificationFactory(treaty=untoc, participant=ParticipantFactory(name="Ruritania"))
    RatificationFactory(
        treaty=untoc,
        participant=ParticipantFactory(name="Freedonia"),
        consent_kind="",
        consent_on=None,
    )
    response = editor_client.get(
        reverse("admin:treaties_ratification_export"), {"status": "signatory"}
    )
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["participant_name"] for row in table] == ["Freedonia"]


def provision_form_data(provision, **values):
    data = {
        "heading": provision.heading,
        "heading_verified": "on" if provision.heading_verified else "",
        "division": provision.division,
        "text": provision.text,
        "text_incomplete": "on" if provision.text_incomplete else "",
        "pillars": [p.pk for p in provision.pillars.all()],
        "related": [p.pk for p in provision.related.all()],
    }
    data.update(values)
    return {k: v for k, v in data.items() if v != ""}


def test_an_edit_is_recorded_with_its_author_and_can_be_restored(editor_client, pillars, untoc):
    provision = ProvisionFactory(treaty=untoc, heading="Scope", pillars=[pillars[0]])
    counterpart = ProvisionFactory()
    url = reverse("admin:provisions_provision_change", args=[provision.pk])
    original = provision.history.first()
    before = provision.history.count()
    response = editor_client.post(
        url,
        provision_form_data(
            provision,
            heading="Scope of application",
            pillars=[pillars[1].pk],
            related=[counterpart.pk],
        ),
    )
    assert response.status_code == 302
    provision.refresh_from_db()
    assert provision.heading == "Scope of application"
    assert provision.history.count() == before + 1  # one record for the whole edit
    edit = provision.history.first()
    assert edit.history_user.username == "editor"
    changed = {c.field: c for c in edit.diff_against(original).changes}
    assert set(changed) == {"heading", "pillars", "related"}
    assert counterpart.history.first().history_user.username == "editor"

    history = editor_client.get(reverse("admin:provisions_provision_history", args=[provision.pk]))
    assert "Scope of application" in history.content.decode()
    revert_url = reverse(
        "admin:provisions_provision_simple_history", args=[provision.pk, original.history_id]
    )
    form = editor_client.get(revert_url).context["adminform"].form
    assert form.initial["heading"] == "Scope"
    assert form.initial["pillars"] == [pillars[0].pk]
    assert form.initial["related"] == []
    response = editor_client.post(
        revert_url, provision_form_data(original.instance, pillars=[pillars[0].pk], related=[])
    )
    assert response.status_code == 302
    provision.refresh_from_db()
    assert provision.heading == "Scope"
    assert list(provision.pillars.all()) == [pillars[0]]
    assert not provision.related.exists() and not counterpart.related.exists()
    restored = provision.history.first()
    assert restored.history_change_reason.startswith("Restored the version of")


def test_filling_in_a_missing_article_text(editor_client, untoc):
    provision = ProvisionFactory(treaty=untoc, text="", text_incomplete=True)
    url = reverse("admin:provisions_provision_change", args=[provision.pk])
    text = "1. Each Party shall adopt measures.\n\n2. Each Party shall cooperate."
    response = editor_client.post(
        url, provision_form_data(provision, text=text, text_incomplete="")
    )
    assert response.status_code == 302
    provision.refresh_from_db()
    assert provision.text == text and not provision.text_incomplete
    page = editor_client.get(provision.get_absolute_url())
    assert "Each Party shall cooperate." in page.content.decode()


def test_an_article_without_text_must_stay_marked_incomplete(editor_client, untoc):
    provision = ProvisionFactory(treaty=untoc, text="", text_incomplete=True)
    url = reverse("admin:provisions_provision_change", args=[provision.pk])
    response = editor_client.post(url, provision_form_data(provision, text_incomplete=""))
    assert response.status_code == 200
    assert "text_incomplete" in response.context["adminform"].form.errors


def test_a_statement_saved_on_its_own_page_is_linked_to_its_articles(editor_client, untoc):
    article = ProvisionFactory(treaty=untoc, number="35")
    statement = StatementFactory(ratification=RatificationFactory(treaty=untoc))
    response = editor_client.post(
        reverse("admin:treaties_statement_change", args=[statement.pk]),
        {
            "ratification": statement.ratification.pk,
            "kind": "reservation",
            "article_reference": "35(2)",
            "text": statement.text,
        },
    )
    assert response.status_code == 302
    assert list(statement.provisions.all()) == [article]


def test_a_deleted_record_is_listed_and_can_be_restored(editor_client, untoc):
    record = RatificationFactory(treaty=untoc, participant=ParticipantFactory(name="Ruritania"))
    pk = record.pk
    url = reverse("admin:treaties_ratification_delete", args=[pk])
    assert editor_client.post(url, {"post": "yes"}).status_code == 302
    assert not Ratification.objects.filter(pk=pk).exists()
    deleted = editor_client.get(reverse("admin:treaties_ratification_deleted"))
    row = deleted.context["rows"][0]
    assert row["label"] == "Ruritania – UNTOC"
    assert row["record"].history_user.username == "editor"
    form = editor_client.get(row["previous_url"]).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "treaty": untoc.pk,
            "signature_on": "2001-01-10",
            "consent_on": "2004-03-01",
        }
    )
    response = editor_client.post(row["previous_url"], data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    restored = Ratification.objects.get(pk=pk)
    assert restored.participant.name == "Ruritania"
    assert restored.history.first().history_change_reason.startswith("Restored the version")


def test_entry_into_force_is_computed_unless_a_source_states_it(editor_client, untoc):
    participant = ParticipantFactory()
    values = {"consent_kind": "accession", "consent_on": "2012-03-04"}
    data = ratification_data(
        untoc, participant, entry_into_force_on="2099-01-01", entry_into_force_basis="computed"
    )
    # A date typed while the basis is "computed" is not silently replaced: a form error.
    response = editor_client.post(reverse(ADD_RATIFICATION), {**data, **values})
    assert "would be replaced by the one computed" in str(
        response.context["adminform"].form.errors["entry_into_force_on"]
    )
    assert not Ratification.objects.filter(participant=participant).exists()
    data["entry_into_force_on"] = ""
    assert editor_client.post(reverse(ADD_RATIFICATION), {**data, **values}).status_code == 302
    record = Ratification.objects.get(participant=participant)
    assert record.entry_into_force_on == datetime.date(2012, 4, 3)
    url = reverse("admin:treaties_ratification_change", args=[record.pk])
    stated = {**data, **values, "entry_into_force_basis": "stated", "entry_into_force_on": ""}
    response = editor_client.post(url, stated)
    assert response.context["adminform"].form.errors["entry_into_force_on"] == [
        "Give the date the source states."
    ]
    stated["entry_into_force_on"] = "2012-04-05"
    assert editor_client.post(url, stated).status_code == 302
    record.refresh_from_db()
    assert (record.entry_into_force_on, record.entry_into_force_basis) == (
        datetime.date(2012, 4, 5),
        "stated",
    )


def admin_form(model, request):
    return admin.site._registry[model].get_form(request)


def inline_form(model, request):
    inline = admin.site._registry[model].get_inline_instances(request)[0]
    return inline.get_formset(request).form


@pytest.mark.parametrize(
    "form_for",
    [
        lambda request: admin_form(Ratification, request),
        lambda request: admin_form(Statement, request),
        lambda request: inline_form(Participant, request),  # its ratification records
        lambda request: inline_form(Ratification, request),  # its statements
    ],
    ids=["ratification", "statement", "ratification inline", "statement inline"],
)
def test_a_source_address_typed_without_its_scheme_is_taken_as_https(rf, admin_user, form_for):
    request = rf.get("/")
    request.user = admin_user
    field = form_for(request).base_fields["source_url"]
    assert field.clean("treaties.un.org/status") == "https://treaties.un.org/status"


def test_restoring_a_deleted_record_restores_its_statements_and_their_links(editor_client, untoc):
    article = ProvisionFactory(treaty=untoc, number="35")
    record = RatificationFactory(treaty=untoc, participant=ParticipantFactory(name="Andorra"))
    reservation = StatementFactory(ratification=record, kind="reservation", text="Art. 35(2).")
    reservation.provisions.add(article)
    StatementFactory(ratification=record, kind="declaration", text="A declaration.")
    pk = record.pk
    assert (
        editor_client.post(
            reverse("admin:treaties_ratification_delete", args=[pk]), {"post": "yes"}
        ).status_code
        == 302
    )
    assert not Statement.objects.filter(ratification_id=pk).exists()
    row = editor_client.get(reverse("admin:treaties_ratification_deleted")).context["rows"][0]
    form = editor_client.get(row["previous_url"]).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({"treaty": untoc.pk, "signature_on": "2001-01-10", "consent_on": "2004-03-01"})
    response = editor_client.post(row["previous_url"], data, follow=True)
    assert response.status_code == 200
    assert any("Restored with what was deleted with it (2)" in m for m in messages_of(response))
    restored = Ratification.objects.get(pk=pk)
    statements = {s.kind: s for s in restored.statements.all()}
    assert set(statements) == {"reservation", "declaration"}
    assert list(statements["reservation"].provisions.all()) == [article]
    history = statements["reservation"].history.first()
    assert history.history_change_reason.startswith("Restored with the ratification record")
    assert history.history_user.username == "editor"


def test_restoring_a_deleted_statement_restores_its_article_links(editor_client, untoc):
    first = ProvisionFactory(treaty=untoc, number="5")
    second = ProvisionFactory(treaty=untoc, number="6")
    statement = StatementFactory(ratification=RatificationFactory(treaty=untoc), text="Two.")
    statement.provisions.add(first, second)
    pk = statement.pk
    url = reverse("admin:treaties_statement_delete", args=[pk])
    assert editor_client.post(url, {"post": "yes"}).status_code == 302
    row = editor_client.get(reverse("admin:treaties_statement_deleted")).context["rows"][0]
    form = editor_client.get(row["previous_url"]).context["adminform"].form
    assert sorted(form.initial["provisions"]) == sorted([first.pk, second.pk])
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["withdrawn_on"] = data["made_on"] = ""
    response = editor_client.post(row["previous_url"], data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    restored = Statement.objects.get(pk=pk)
    assert set(restored.provisions.all()) == {first, second}
