"""Review in the admin: an editor's save is a proposal, invisible until approved; the review
queue; each proposal's page (diff, comments, decisions); stale proposals; the admin index."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from provisions.models import Provision
from review import services
from review.models import Kind, Proposal, Status
from tests.admin.test_editing import provision_form_data, ratification_data
from tests.factories import (
    ParticipantFactory,
    PillarFactory,
    ProvisionFactory,
    RatificationFactory,
    StatementFactory,
    TreatyFactory,
)
from tests.queries import count_queries
from treaties.models import Ratification, Statement

pytestmark = pytest.mark.django_db

QUEUE = "admin:review_proposal_changelist"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def actip():
    return TreatyFactory(slug="actip", short_title="ACTIP", position=4)


@pytest.fixture
def article(actip):
    return ProvisionFactory(treaty=actip, number="5", heading="Criminalisation", text="Old.")


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def propose_text(client, article, text, **extra):
    data = provision_form_data(article, text=text)
    data.update(extra)
    return client.post(change_url(article), data)


def test_an_editors_save_is_a_proposal_and_publishes_nothing(article, editor):
    client = client_for(editor)
    form = client.get(change_url(article)).content.decode()
    assert "proposal for review" in form and 'name="_change_source"' in form
    response = propose_text(
        client,
        article,
        "New text.",
        _change_reason="Official text",
        _change_source="asean.org/actip.pdf",
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == proposal.get_absolute_url()
    assert "Saved as a proposal for review" in messages_of(response)[0]
    assert proposal.changes == {"text": "New text."} and proposal.base == {"text": "Old."}
    assert proposal.reason == "Official text"
    assert proposal.source_url == "https://asean.org/actip.pdf"
    article.refresh_from_db()
    assert article.text == "Old." and article.history.count() == 1


def test_a_source_that_is_not_an_address_is_a_form_error(article, editor):
    response = propose_text(client_for(editor), article, "New.", _change_source="see the PDF")
    assert response.status_code == 200
    assert "must be a web address" in str(response.context["errors"])
    assert not Proposal.objects.exists()


def test_a_trusted_editor_publishes_directly(article, trusted):
    response = propose_text(client_for(trusted), article, "New text.")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.text == "New text." and not Proposal.objects.exists()


def test_new_records_deletions_and_inline_statements_are_proposed(actip, editor):
    client = client_for(editor)
    participant = ParticipantFactory()
    response = client.post(
        reverse("admin:treaties_ratification_add"),
        ratification_data(actip, participant, consent_kind="ratification", consent_on="2017-01-02"),
    )
    assert response.status_code == 302
    assert not Ratification.objects.exists()
    created = Proposal.objects.get()
    assert created.kind == Kind.CREATE and created.changes["participant"] == participant.pk

    record = RatificationFactory(treaty=actip)
    statement = StatementFactory(ratification=record, text="Old statement.")
    data = ratification_data(
        actip,
        record.participant,
        signature_on="2001-01-10",
        consent_kind="ratification",
        consent_on="2004-03-01",
    )
    data.update(
        {
            "statements-TOTAL_FORMS": "1",
            "statements-INITIAL_FORMS": "1",
            "statements-0-id": statement.pk,
            "statements-0-ratification": record.pk,
            "statements-0-kind": "reservation",
            "statements-0-article_reference": "15(2)",
            "statements-0-text": "New statement.",
        }
    )
    response = client.post(change_url(record), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    statement.refresh_from_db()
    assert statement.text == "Old statement."
    inline = Proposal.objects.get(content_type__model="statement")
    assert inline.changes == {"text": "New statement."}

    response = client.post(
        reverse("admin:treaties_statement_delete", args=[statement.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert Statement.objects.filter(pk=statement.pk).exists()
    assert Proposal.objects.filter(kind=Kind.DELETE, object_id=statement.pk).exists()


def test_a_bulk_pillar_action_proposes_one_change_per_article(article, editor, reviewer):
    pillar = PillarFactory(slug="protection")
    other = ProvisionFactory(treaty=article.treaty, number="6", pillars=[pillar])
    response = client_for(editor).post(
        reverse("admin:provisions_provision_changelist"),
        {"action": "add_pillar_protection", "_selected_action": [article.pk, other.pk]},
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()  # the other article has the pillar already
    assert proposal.object_id == article.pk and proposal.changes == {"pillars": [pillar.pk]}
    assert proposal.reason == "Bulk add: Protection"
    assert not article.pillars.exists()


def test_restoring_a_version_is_proposed(article, editor, trusted):
    original = article.history.first()
    propose_text(client_for(trusted), article, "Changed.")
    url = reverse(
        "admin:provisions_provision_simple_history", args=[article.pk, original.history_id]
    )
    response = client_for(editor).post(url, provision_form_data(original.instance))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.text == "Changed."
    proposal = Proposal.objects.get()
    assert proposal.changes == {"text": "Old."}
    assert proposal.reason.startswith("Restore the version of")


def test_imports_are_for_those_who_publish_directly(editor, trusted):
    url = reverse("admin:treaties_ratification_import")
    assert client_for(editor).get(url).status_code == 403
    assert client_for(trusted).get(url).status_code == 200


def test_a_reviewer_sees_the_diff_comments_and_approves(article, editor, reviewer):
    propose_text(client_for(editor), article, "New text.", _change_reason="Official text")
    proposal = Proposal.objects.get()
    client = client_for(reviewer)
    page = client.get(proposal.get_absolute_url())
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [(r["label"], r["base"], r["proposed"]) for r in rows] == [("text", "Old.", "New text.")]
    assert page.context["may_decide"] and not page.context["may_withdraw"]
    client.post(proposal.get_absolute_url(), {"_comment": "1", "text": "Matches the PDF."})
    response = client.post(proposal.get_absolute_url(), {"_approve": "1", "comment": ""})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.text == "New text."
    assert article.history.first().history_user == reviewer
    proposal.refresh_from_db()
    assert proposal.status == Status.APPROVED
    assert [c.text for c in proposal.comments.all()] == ["Matches the PDF."]


def test_the_author_reads_the_rejection(article, editor, reviewer):
    propose_text(client_for(editor), article, "Placeholder.")
    proposal = Proposal.objects.get()
    client = client_for(reviewer)
    response = client.post(proposal.get_absolute_url(), {"_reject": "1", "comment": ""})
    assert response.status_code == 200  # a comment is required
    assert Proposal.objects.get().status == Status.OPEN
    client.post(proposal.get_absolute_url(), {"_reject": "1", "comment": "Not the treaty text."})
    assert Proposal.objects.get().status == Status.REJECTED
    index = client_for(editor).get(reverse("admin:index")).content.decode()
    assert "Not the treaty text." in index
    article.refresh_from_db()
    assert article.text == "Old."


def test_editors_cannot_decide_and_authors_withdraw(article, editor, trusted):
    propose_text(client_for(editor), article, "Mine.")
    proposal = Proposal.objects.get()
    response = client_for(trusted).post(proposal.get_absolute_url(), {"_approve": "1"})
    assert response.status_code == 403
    response = client_for(trusted).post(proposal.get_absolute_url(), {"_withdraw": "1"})
    assert response.status_code == 403
    assert Proposal.objects.get().status == Status.OPEN
    client_for(editor).post(proposal.get_absolute_url(), {"_withdraw": "1"})
    assert Proposal.objects.get().status == Status.WITHDRAWN


def test_a_stale_proposal_is_flagged_and_rebased_by_its_author(article, editor, trusted, reviewer):
    propose_text(client_for(editor), article, "Mine.")
    proposal = Proposal.objects.get()
    propose_text(client_for(trusted), article, "A colleague's.")
    page = client_for(reviewer).get(proposal.get_absolute_url())
    assert page.context["stale"] == ["text"]
    assert "stale" in page.content.decode()
    queue = client_for(reviewer).get(reverse(QUEUE))
    assert "stale" in queue.content.decode()
    response = client_for(reviewer).post(proposal.get_absolute_url(), {"_approve": "1"})
    assert "stale" in messages_of(response)[0]
    article.refresh_from_db()
    assert article.text == "A colleague's."
    assert client_for(editor).get(proposal.get_absolute_url()).context["may_rebase"]
    client_for(editor).post(proposal.get_absolute_url(), {"_rebase": "1"})
    client_for(reviewer).post(proposal.get_absolute_url(), {"_approve": "1"})
    article.refresh_from_db()
    assert article.text == "Mine."


def test_the_queue_lists_open_proposals_oldest_first_with_filters(actip, editor, reviewer):
    untoc = TreatyFactory(slug="untoc")
    older = ProvisionFactory(treaty=actip, text="A.")
    newer = ProvisionFactory(treaty=untoc, text="B.")
    record = RatificationFactory(treaty=untoc)
    first, _ = services.propose(target=older, changes={"text": "A2."}, author=editor)
    second, _ = services.propose(target=newer, changes={"text": "B2."}, author=editor)
    third, _ = services.propose(target=record, changes={"note": "n"}, author=reviewer)
    closed, _ = services.propose(target=record, changes={"note": "m"}, author=editor)
    services.withdraw(closed, user=editor)
    client = client_for(reviewer)

    def listed(**query):
        response = client.get(reverse(QUEUE), query)
        assert response.status_code == 200
        return [p.pk for p in response.context["cl"].result_list]

    assert listed() == [first.pk, second.pk, third.pk]
    assert listed(treaty__id__exact=actip.pk) == [first.pk]
    assert listed(record="ratification") == [third.pk]
    assert listed(author=reviewer.pk) == [third.pk]
    assert listed(status="withdrawn") == [closed.pk]
    index = client.get(reverse("admin:index")).content.decode()
    assert "3 open proposals" in index
    assert "Provisions: 2" in index and "Ratification records: 1" in index


def test_several_proposals_approved_or_rejected_at_once(actip, editor, reviewer):
    one = ProvisionFactory(treaty=actip, text="A.")
    two = ProvisionFactory(treaty=actip, text="B.")
    three = ProvisionFactory(treaty=actip, text="C.")
    p1, _ = services.propose(target=one, changes={"text": "A2."}, author=editor)
    p2, _ = services.propose(target=two, changes={"text": "B2."}, author=editor)
    p3, _ = services.propose(target=three, changes={"text": "C2."}, author=editor)
    client = client_for(reviewer)
    client.post(reverse(QUEUE), {"action": "approve_selected", "_selected_action": [p1.pk, p2.pk]})
    assert set(Provision.objects.values_list("text", flat=True)) == {"A2.", "B2.", "C."}
    form = client.post(reverse(QUEUE), {"action": "reject_selected", "_selected_action": [p3.pk]})
    assert form.status_code == 200 and "comment" in form.context["form"].fields
    client.post(
        reverse(QUEUE),
        {
            "action": "reject_selected",
            "_selected_action": [p3.pk],
            "_confirm_reject": "1",
            "comment": "Not official.",
        },
    )
    p3.refresh_from_db()
    assert p3.status == Status.REJECTED and p3.decision_comment == "Not official."


def test_editors_see_the_queue_but_no_decision_actions(article, editor):
    response = client_for(editor).get(reverse(QUEUE))
    assert response.status_code == 200
    page = response.content.decode()
    assert "approve_selected" not in page and "reject_selected" not in page
    proposal, _ = services.propose(target=article, changes={"text": "X."}, author=editor)
    client_for(editor).post(
        reverse(QUEUE), {"action": "approve_selected", "_selected_action": [proposal.pk]}
    )
    proposal.refresh_from_db()
    article.refresh_from_db()
    assert proposal.status == Status.OPEN and article.text == "Old."


def test_a_records_form_names_its_open_proposals(article, editor, trusted):
    proposal, _ = services.propose(target=article, changes={"text": "X."}, author=editor)
    response = client_for(trusted).get(change_url(article))
    assert f"#{proposal.pk}" in " ".join(messages_of(response))


def test_the_queue_costs_the_same_queries_as_it_grows(actip, editor, reviewer):
    def grow(n):
        for _ in range(n):
            article = ProvisionFactory(treaty=actip, pillars=[PillarFactory(slug="protection")])
            services.propose(target=article, changes={"text": "T.", "pillars": []}, author=editor)
            record = RatificationFactory(treaty=actip)
            services.propose(target=record, changes={"note": "N."}, author=editor)
            statement = StatementFactory(ratification=record)
            services.propose(target=statement, changes={"text": "S."}, author=editor)

    client = client_for(reviewer)
    grow(2)
    queries = count_queries(client, reverse(QUEUE), warm=True)
    grow(6)
    assert count_queries(client, reverse(QUEUE)) == queries


def test_a_reviewer_reads_a_record_without_a_proposal_form(article, reviewer):
    page = client_for(reviewer).get(change_url(article)).content.decode()
    assert 'name="_save"' not in page
    assert "proposal-notice" not in page and "_change_source" not in page


def test_deleting_selected_rows_proposes_their_deletion(actip, editor):
    one, two = StatementFactory(), StatementFactory()
    response = client_for(editor).post(
        reverse("admin:treaties_statement_changelist"),
        {"action": "delete_selected", "_selected_action": [one.pk, two.pk]},
        follow=True,
    )
    assert Statement.objects.count() == 2
    assert Proposal.objects.filter(kind=Kind.DELETE).count() == 2
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "2 deletion(s) proposed" in shown and "Successfully deleted" not in shown
