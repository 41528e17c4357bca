"""The CSV columns of articles, pillars and concordance topics: one spec per record type
(``common.csvfiles.Spec``, as in ``treaties.columns``), used by the bulk download, the admin's
export and the API's ``?format=csv``."""

from common.csvfiles import Column, Spec
from provisions.models import CellState
from treaties.columns import _, article_id

# Reads the article's treaty, pillars and related articles (``Provision.objects.for_csv()``).
PROVISION = Spec(
    Column("id", _(article_id)),
    Column("treaty", _(lambda p: p.treaty.slug)),
    Column("number", _(lambda p: p.number)),
    Column("division", _(lambda p: p.division)),
    Column("heading", _(lambda p: p.heading)),
    Column("heading_verified", _(lambda p: p.heading_verified)),
    Column("pillars", _(lambda p: [pillar.slug for pillar in p.pillars.all()])),
    Column("related", _(lambda p: [article_id(other) for other in p.related.all()])),
    Column("text_incomplete", _(lambda p: p.text_incomplete)),
    Column("text", _(lambda p: p.text)),
    Column("modified_at", _(lambda obj: obj.modified_at)),
)

PILLAR = Spec(
    Column("slug", _(lambda p: p.slug)),
    Column("name", _(lambda p: p.name)),
    Column("description", _(lambda p: p.description)),
    Column("modified_at", _(lambda obj: obj.modified_at)),
)


def finding_credit(finding):
    """Who made a finding, and when: 'Treaty KB editors (...), 2026-12-01'."""
    when = finding.recorded_on.isoformat() if finding.recorded_on else ""
    return f"{finding.by}, {when}" if when else finding.by


def no_provision_findings(topic):
    """'<treaty-slug>=<who>, <date>' for each instrument an editor found to have no provision."""
    return [
        f"{cell.treaty.slug}={finding_credit(cell.finding)}"
        for cell in topic.cells
        if cell.state == CellState.NO_PROVISION
    ]


TOPIC = Spec(
    Column("slug", _(lambda t: t.slug)),
    Column("name", _(lambda t: t.name)),
    Column("description", _(lambda t: t.description)),
    Column("provisions", _(lambda t: [article_id(p) for p in t.provisions.all()])),
    # Read from ``Topic.objects.for_csv()``: each instrument's state on the topic, and who
    # found that an instrument has no corresponding provision.
    Column("states", _(lambda t: [f"{c.treaty.slug}={c.state}" for c in t.cells])),
    Column("no_provision_findings", _(lambda t: no_provision_findings(t))),
    Column("modified_at", _(lambda obj: obj.modified_at)),
)
