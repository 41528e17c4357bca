"""Proposals through ``review.services``: made with their base values, approved through the
record's own service (one transaction, history with the reviewer and the author), rejected
with a comment, withdrawn, stale and rebased; deduplicated for imports."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from provisions.models import Provision
from review import services
from review.models import Comment, Kind, Proposal, Status
from tests.factories import (
    ParticipantFactory,
    PillarFactory,
    ProvisionFactory,
    RatificationFactory,
    StatementFactory,
    TreatyFactory,
)
from treaties.models import Ratification, Statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ProvisionFactory(
        treaty=TreatyFactory(slug="actip", short_title="ACTIP"), number="5", text="Old text."
    )


def test_a_proposal_keeps_the_published_values_and_changes_nothing(article, editor):
    proposal, created = services.propose(
        target=article,
        changes={"text": "New text.", "heading": article.heading},
        author=editor,
        reason="Typo",
        source_url="https://asean.org/actip.pdf",
    )
    assert created
    assert proposal.kind == Kind.UPDATE and proposal.status == Status.OPEN
    # Only what differs from the published record is proposed, against its published value.
    assert proposal.changes == {"text": "New text."}
    assert proposal.base == {"text": "Old text."}
    assert proposal.treaty == article.treaty
    assert proposal.author == editor and proposal.source_url == "https://asean.org/actip.pdf"
    article.refresh_from_db()
    assert article.text == "Old text."
    assert article.history.count() == 1


def test_a_proposal_that_changes_nothing_is_refused(article, editor):
    with pytest.raises(services.NothingToPropose):
        services.propose(target=article, changes={"text": "Old text."}, author=editor)
    assert not Proposal.objects.exists()


def test_an_unknown_field_or_value_is_refused(article, editor):
    with pytest.raises(services.ProposalError, match="no field 'colour'"):
        services.propose(target=article, changes={"colour": "red"}, author=editor)
    record = RatificationFactory()
    with pytest.raises(services.ProposalError, match="signature_on"):
        services.propose(target=record, changes={"signature_on": "10 May"}, author=editor)


def test_approval_publishes_with_the_reviewers_approval_of_the_authors_change(
    article, editor, reviewer
):
    pillar = PillarFactory(slug="protection")
    other = ProvisionFactory(treaty=TreatyFactory(slug="untoc"), number="9")
    proposal, _ = services.propose(
        target=article,
        changes={"text": "New text.", "pillars": [pillar.pk], "related": [other]},
        author=editor,
        reason="Official text",
    )
    assert proposal.base == {"text": "Old text.", "pillars": [], "related": []}
    services.approve(proposal, reviewer=reviewer, comment="Checked against the PDF.")
    article.refresh_from_db()
    assert article.text == "New text."
    assert list(article.pillars.all()) == [pillar]
    assert list(article.related.all()) == [other]
    record = article.history.first()
    assert record.history_user == reviewer
    assert record.history_change_reason.startswith(
        f"Approved by reviewer: proposal #{proposal.pk} by editor"
    )
    assert article.history.count() == 2  # one record for the save and its links
    proposal.refresh_from_db()
    assert proposal.status == Status.APPROVED and proposal.decided_by == reviewer
    assert proposal.comments.get().text == "Checked against the PDF."


def test_a_ratification_record_is_written_through_its_service(editor, reviewer):
    record = RatificationFactory(consent_on=datetime.date(2004, 3, 1))
    proposal, _ = services.propose(
        target=record, changes={"consent_on": "2005-06-07"}, author=editor
    )
    services.approve(proposal, reviewer=reviewer)
    record.refresh_from_db()
    assert record.consent_on == datetime.date(2005, 6, 7)
    # The service computed entry into force from the treaty's rule.
    assert record.entry_into_force_on == record.computed_entry_into_force()


def test_a_new_statement_and_a_deletion(editor, reviewer):
    record = RatificationFactory()
    article = ProvisionFactory(treaty=record.treaty, number="15")
    proposal, _ = services.propose(
        model=Statement,
        changes={
            "ratification": record.pk,
            "kind": "declaration",
            "text": "A declaration.",
            "article_reference": "15(2)",
        },
        author=editor,
    )
    assert proposal.kind == Kind.CREATE and proposal.treaty_id == record.treaty_id
    assert not Statement.objects.exists()
    services.approve(proposal, reviewer=reviewer)
    statement = Statement.objects.get()
    assert proposal.object_id == statement.pk
    assert list(statement.provisions.all()) == [article]  # linked by its reference
    deletion, _ = services.propose(target=statement, kind=Kind.DELETE, changes={}, author=editor)
    assert deletion.base["text"] == "A declaration."
    services.approve(deletion, reviewer=reviewer)
    assert not Statement.objects.exists()


def test_an_approval_that_breaks_a_rule_writes_nothing(editor, reviewer):
    record = RatificationFactory(signature_on=datetime.date(2001, 1, 10))
    proposal, _ = services.propose(
        target=record, changes={"consent_on": "2000-01-01"}, author=editor
    )
    with pytest.raises(ValidationError):
        services.approve(proposal, reviewer=reviewer)
    record.refresh_from_db()
    proposal.refresh_from_db()
    assert record.consent_on == datetime.date(2004, 3, 1)
    assert proposal.status == Status.OPEN


def test_only_reviewers_decide_and_never_on_their_own(article, editor, reviewer, trusted):
    proposal, _ = services.propose(target=article, changes={"text": "X."}, author=editor)
    for user in (editor, trusted):
        with pytest.raises(PermissionDenied):
            services.approve(proposal, reviewer=user)
        with pytest.raises(PermissionDenied):
            services.reject(proposal, reviewer=user, comment="No.")
    own, _ = services.propose(target=article, changes={"text": "Y."}, author=reviewer)
    with pytest.raises(PermissionDenied):
        services.approve(own, reviewer=reviewer)


def test_rejection_needs_a_comment_the_author_reads(article, editor, reviewer):
    proposal, _ = services.propose(target=article, changes={"text": "X."}, author=editor)
    with pytest.raises(services.ProposalError):
        services.reject(proposal, reviewer=reviewer, comment="  ")
    services.reject(proposal, reviewer=reviewer, comment="Not the official wording.")
    proposal.refresh_from_db()
    assert proposal.status == Status.REJECTED
    assert proposal.decision_comment == "Not the official wording."
    assert Comment.objects.get(proposal=proposal).author == reviewer
    article.refresh_from_db()
    assert article.text == "Old text."
    with pytest.raises(services.ProposalError, match="rejected already"):
        services.approve(proposal, reviewer=reviewer)


def test_only_the_author_withdraws(article, editor, trusted, reviewer):
    proposal, _ = services.propose(target=article, changes={"text": "X."}, author=editor)
    with pytest.raises(PermissionDenied):
        services.withdraw(proposal, user=trusted)
    services.withdraw(proposal, user=editor)
    proposal.refresh_from_db()
    assert proposal.status == Status.WITHDRAWN and proposal.decided_by == editor


def test_a_stale_proposal_is_refused_until_rebased(article, editor, trusted, reviewer):
    proposal, _ = services.propose(target=article, changes={"text": "Mine."}, author=editor)
    # Another field changing does not make it stale; the same field does.
    Provision.objects.filter(pk=article.pk).update(heading="Another heading")
    assert services.stale_fields(proposal) == []
    article.refresh_from_db()
    article.text = "Someone else's."
    article.save()
    assert services.stale_fields(proposal) == ["text"]
    assert services.mark_stale([proposal])[0].stale == ["text"]
    with pytest.raises(services.StaleProposal):
        services.approve(proposal, reviewer=reviewer)
    article.refresh_from_db()
    assert article.text == "Someone else's."
    row = services.diff(proposal)[0]
    assert (row["base"], row["current"], row["proposed"], row["stale"]) == (
        "Old text.",
        "Someone else's.",
        "Mine.",
        True,
    )
    with pytest.raises(PermissionDenied):
        services.rebase(proposal, user=reviewer)
    services.rebase(proposal, user=editor)
    proposal.refresh_from_db()
    assert proposal.base == {"text": "Someone else's."}
    assert "Rebased" in proposal.comments.get().text
    services.approve(proposal, reviewer=reviewer)
    article.refresh_from_db()
    assert article.text == "Mine."


def test_a_deleted_record_makes_its_proposal_stale(editor, reviewer):
    record = RatificationFactory()
    proposal, _ = services.propose(target=record, changes={"note": "x"}, author=editor)
    Ratification.objects.filter(pk=record.pk).delete()
    with pytest.raises(services.StaleProposal):
        services.approve(proposal, reviewer=reviewer)


def test_an_import_proposes_once_per_key_and_records_its_source(reviewer):
    record = RatificationFactory(source_url="https://example.org/old")
    kwargs = dict(
        target=record,
        changes={"consent_on": "2004-03-02"},
        origin="import_depositary",
        source_url="https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY",
        source_as_at=datetime.date(2018, 1, 15),
        copy_read="https://web.archive.org/copy",
        dedupe_key="depositary:palermo:XX:consent_on:2004-03-02",
    )
    first, created = services.propose(**kwargs)
    again, created_again = services.propose(**kwargs)
    assert created and not created_again and again.pk == first.pk
    assert first.author is None
    services.approve(first, reviewer=reviewer)
    record.refresh_from_db()
    assert record.consent_on == datetime.date(2004, 3, 2)
    assert record.source_url.startswith("https://treaties.un.org/")
    assert record.source_as_at == datetime.date(2018, 1, 15)
    assert record.via_url == "https://web.archive.org/copy"
    assert record.source_kind == "depositary"
    assert "by the depositary import" in record.history.first().history_change_reason


def test_participants_are_reviewed_too(editor, reviewer):
    participant = ParticipantFactory(name="Swaziland")
    proposal, _ = services.propose(target=participant, changes={"name": "Eswatini"}, author=editor)
    services.approve(proposal, reviewer=reviewer)
    participant.refresh_from_db()
    assert participant.name == "Eswatini"


def test_statement_changes_carry_their_treaty(editor):
    statement = StatementFactory()
    proposal, _ = services.propose(target=statement, changes={"text": "New."}, author=editor)
    assert proposal.treaty_id == statement.ratification.treaty_id
