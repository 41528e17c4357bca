"""The CSV columns of articles, pillars and concordance topics: one spec per record type
(``common.csvfiles.Spec``, as in ``treaties.columns``), used by the bulk download, the admin's
export and the API's ``?format=csv``."""

from common.csvfiles import Column, Spec
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

TOPIC = Spec(
    Column("slug", _(lambda t: t.slug)),
    Column("name", _(lambda t: t.name)),
    Column("description", _(lambda t: t.description)),
    Column("provisions", _(lambda t: [article_id(p) for p in t.provisions.all()])),
    Column("modified_at", _(lambda obj: obj.modified_at)),
)
