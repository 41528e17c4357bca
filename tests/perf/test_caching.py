"""Cached pages and aggregates (every public page: home, treaties, the treaty page and its map
and CSV, the article page, participants and their profiles, the matrix and its CSV, pillars,
compare, search, the data page) and an edit that shows at once on each."""

import datetime

import pytest
from django.contrib.auth.models import User

from common import caching
from tests.factories import (
    ParticipantFactory,
    PillarFactory,
    ProvisionFactory,
    RatificationFactory,
    StatementFactory,
    TreatyFactory,
)
from treaties.participation import TreatyParticipation

pytestmark = pytest.mark.django_db


@pytest.fixture
def treaty():
    treaty = TreatyFactory(slug="untoc", short_title="UNTOC")
    RatificationFactory(treaty=treaty, participant=ParticipantFactory(code="FR", name="France"))
    return treaty


def test_a_second_anonymous_view_of_the_home_page_is_served_from_the_cache(
    client, treaty, django_assert_num_queries
):
    first = client.get("/")
    with django_assert_num_queries(0):
        second = client.get("/")
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_an_edit_to_a_treaty_shows_at_once_on_the_home_page(client, treaty):
    assert "UNTOC" in client.get("/").content.decode()
    treaty.short_title = "Organized Crime Convention"
    treaty.save()
    assert "Organized Crime Convention" in client.get("/").content.decode()


def test_a_new_ratification_shows_at_once_in_the_matrix(client, treaty):
    assert "Germany" not in client.get("/matrix/").content.decode()
    RatificationFactory(treaty=treaty, participant=ParticipantFactory(code="DE", name="Germany"))
    assert "Germany" in client.get("/matrix/").content.decode()


def test_a_deleted_record_disappears_at_once_from_the_treaty_page(client, treaty):
    record = RatificationFactory(
        treaty=treaty, participant=ParticipantFactory(code="DE", name="Germany")
    )
    assert "Germany: party" in client.get("/treaties/untoc/").content.decode()
    record.delete()
    page = client.get("/treaties/untoc/").content.decode()
    assert "Germany: party" not in page
    assert "Germany: not a participant" in page


def test_a_pillar_tag_added_or_removed_changes_the_data_version():
    provision = ProvisionFactory()
    pillar = PillarFactory(slug="protection")
    before = caching.data_version()
    provision.pillars.add(pillar)
    after_add = caching.data_version()
    provision.pillars.remove(pillar)
    assert before != after_add != caching.data_version()


def test_the_cached_world_map_follows_an_edit(treaty, rf):
    record = treaty.ratifications.get()

    def france():
        participation = TreatyParticipation(treaty, rf.get("/").GET)
        return next(c for c in participation.world_map.countries if c.code == "FR")

    assert france().status == "party"
    record.withdrawal_notified_on = datetime.date(2010, 1, 1)
    record.withdrawal_effective_on = datetime.date(2011, 1, 1)
    record.save()
    assert france().status == "withdrawn"


def test_editors_always_get_a_fresh_page(client, treaty):
    client.get("/")
    editor = User.objects.create_user("editor", password="x")
    client.force_login(editor)
    response = client.get("/")
    assert response.context is not None  # rendered, not replayed from the cache


def test_each_query_string_is_cached_on_its_own(client, treaty):
    RatificationFactory(treaty=treaty, participant=ParticipantFactory(code="DE", name="Germany"))
    everyone = client.get("/matrix/").content.decode()
    client.get("/matrix/?q=France")
    assert "Germany" in everyone
    assert "Germany" not in client.get("/matrix/?q=France").content.decode()


def test_a_failed_page_is_not_cached(client, treaty):
    assert client.get("/treaties/nowhere/").status_code == 404
    TreatyFactory(slug="nowhere")
    assert client.get("/treaties/nowhere/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/treaties/untoc/articles/6/",
        "/countries/FR/",
        "/treaties/untoc/participants.csv",
        "/data/",
        "/treaties/",
        "/countries/",
        "/countries/?region=Europe&treaties=untoc",
        "/matrix.csv",
        "/pillars/",
        "/pillars/protection/",
        "/compare/",
        "/search/?q=victims",
        "/search/?q=victims&treaty=untoc&page=1",
    ],
)
def test_a_second_anonymous_request_of_a_bounded_page_runs_no_query(
    client, treaty, url, django_assert_num_queries
):
    ProvisionFactory(
        treaty=treaty,
        number="6",
        text="Assistance to victims.",
        pillars=[PillarFactory(slug="protection")],
    )
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second.get("Content-Disposition") == first.get("Content-Disposition")


def test_an_edit_to_an_article_shows_at_once_on_its_page(client, treaty):
    article = ProvisionFactory(treaty=treaty, number="6", heading="Assistance")
    assert "Assistance" in client.get("/treaties/untoc/articles/6/").content.decode()
    article.heading = "Assistance to and protection of victims"
    article.save()
    page = client.get("/treaties/untoc/articles/6/").content.decode()
    assert "Assistance to and protection of victims" in page


def test_a_new_statement_shows_at_once_on_the_profile(client, treaty):
    assert "Reservations and declarations" in client.get("/countries/FR/").content.decode()
    StatementFactory(ratification=treaty.ratifications.get(), text="A new reservation text.")
    assert "A new reservation text." in client.get("/countries/FR/").content.decode()


def test_a_withdrawal_shows_at_once_in_the_treaty_csv(client, treaty):
    assert ",party," in client.get("/treaties/untoc/participants.csv").content.decode()
    record = treaty.ratifications.get()
    record.withdrawal_notified_on = datetime.date(2010, 1, 1)
    record.withdrawal_effective_on = datetime.date(2011, 1, 1)
    record.save()
    rows = client.get("/treaties/untoc/participants.csv").content.decode()
    assert ",withdrawn," in rows and ",party," not in rows


def test_a_disagreement_noted_shows_at_once_on_the_data_page(client, treaty):
    client.get("/data/")
    record = treaty.ratifications.get()
    record.note = "The depositary and the press release give different dates."
    record.save()
    assert record.note in client.get("/data/").content.decode()


def test_a_profile_page_is_cached_for_its_own_page_number(client):
    from treaties.participation import PROFILE_PAGE_SIZE

    france = ParticipantFactory(code="FR", name="France")
    for index in range(PROFILE_PAGE_SIZE + 5):
        RatificationFactory(participant=france, treaty=TreatyFactory(slug=f"t-{index:02d}"))
    first, second = client.get("/countries/FR/"), client.get("/countries/FR/?page=2")
    assert first.content != second.content
    assert client.get("/countries/FR/?page=2").content == second.content


def test_entries_live_longer_when_every_process_shares_the_version(settings):
    settings.TREATYKB_SHARED_CACHE = False  # another process may see an edit this late
    assert caching.entry_timeout() == caching.AGGREGATE_TIMEOUT == 300
    settings.TREATYKB_SHARED_CACHE = True
    assert caching.entry_timeout() == caching.SHARED_TIMEOUT == 3600


def test_a_new_article_shows_at_once_in_the_search_results(client, treaty):
    assert "No article matches “border”" in client.get("/search/?q=border").content.decode()
    ProvisionFactory(treaty=treaty, number="11", heading="Border measures", text="At the border.")
    assert "1 article matches “border”" in client.get("/search/?q=border").content.decode()


def test_a_new_participant_shows_at_once_in_the_participants_list(client, treaty):
    assert "Norway" not in client.get("/countries/").content.decode()
    ParticipantFactory(code="NO", name="Norway")
    assert "Norway" in client.get("/countries/").content.decode()


def test_the_data_version_tells_whether_the_data_changed_lately(settings, monkeypatch):
    settings.TREATYKB_SHARED_CACHE = True
    caching.bump_data_version()
    made = caching.version_time(caching.data_version()).timestamp()
    monkeypatch.setattr(caching, "now", lambda: made + 5)
    assert caching.changed_within(10)
    monkeypatch.setattr(caching, "now", lambda: made + 11)
    assert not caching.changed_within(10)
    settings.TREATYKB_SHARED_CACHE = False  # a per-process version cannot tell
    assert not caching.changed_within(10)


def test_each_host_gets_its_own_canonical_links(client, treaty, settings):
    settings.ALLOWED_HOSTS = ["kb.example.org", "mirror.example.net"]
    client.get("/treaties/untoc/", HTTP_HOST="kb.example.org")
    page = client.get("/treaties/untoc/", HTTP_HOST="mirror.example.net").content.decode()
    assert 'href="http://mirror.example.net/treaties/untoc/"' in page
    assert "kb.example.org" not in page


def test_a_page_too_large_to_keep_is_served_but_not_kept(client, treaty, monkeypatch):
    monkeypatch.setattr(caching, "MAX_CACHED_BYTES", 100)
    client.get("/matrix/")
    assert client.get("/matrix/").context is not None  # rendered again


def test_a_new_release_does_not_replay_the_old_ones_pages(client, treaty, monkeypatch):
    client.get("/matrix/")
    monkeypatch.setattr(caching, "release", lambda: "next-release")
    assert client.get("/matrix/").context is not None


def test_the_release_token_is_made_from_the_code_and_changes_with_it(settings, tmp_path):
    """``release()`` hashes the project's sources and templates (computed afresh here: the
    served value is cached for the process's life)."""
    compute = caching.release.__wrapped__
    (tmp_path / "common").mkdir()
    (tmp_path / "templates").mkdir()
    (tmp_path / "common" / "views.py").write_text("ANSWER = 1\n")
    (tmp_path / "templates" / "page.html").write_text("<p>one</p>\n")
    settings.BASE_DIR = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    first = compute()
    assert len(first) == 12
    assert compute() == first  # the same code, the same token
    (tmp_path / "templates" / "page.html").write_text("<p>two</p>\n")
    changed_template = compute()
    assert changed_template != first
    (tmp_path / "common" / "views.py").write_text("ANSWER = 2\n")
    assert compute() not in (first, changed_template)


PAGES_SHOWING_THE_TREATY = [
    "/",
    "/treaties/",
    "/treaties/untoc/",
    "/treaties/untoc/articles/5/",
    "/countries/",
    "/countries/FR/",
    "/matrix/",
    "/data/",
    "/pillars/",
    "/pillars/protection/",
    "/compare/",
    "/search/?q=trafficking",
    "/api/v1/treaties/",
    "/api/v1/treaties/untoc/",
]


@pytest.mark.parametrize("url", PAGES_SHOWING_THE_TREATY)
def test_an_edit_shows_at_once_on_every_page_that_shows_it(client, url):
    """With the response cache on (as in production and in this whole suite), a page asked for
    again after an edit shows the edit."""
    pillar = PillarFactory(slug="protection", name="Protection")
    treaty = TreatyFactory(slug="untoc", short_title="UNTOC", core=True)
    ProvisionFactory(
        treaty=treaty, number="5", text="Criminalisation of trafficking.", pillars=[pillar]
    )
    RatificationFactory(treaty=treaty, participant=ParticipantFactory(code="FR", name="France"))
    first = client.get(url)
    assert first.status_code == 200
    assert client.get(url).content == first.content  # kept, and replayed
    treaty.short_title = "UNTOC (renamed)"
    treaty.save()
    assert "UNTOC (renamed)" in client.get(url).content.decode()


class CountingCache:
    """The cache, counting the calls that go to it (each one a round trip to Redis)."""

    def __init__(self, cache):
        self.cache, self.calls = cache, []

    def __getattr__(self, name):
        attribute = getattr(self.cache, name)
        if name in ("get", "get_many", "set", "add", "set_many"):

            def counted(*args, **kwargs):
                self.calls.append(name)
                return attribute(*args, **kwargs)

            return counted
        return attribute


def test_a_cached_page_costs_one_round_trip_to_the_cache(client, treaty, monkeypatch):
    client.get("/treaties/untoc/")
    # With a read replica the router reads the version's age first (treatykb/routers.py).
    monkeypatch.setattr("treatykb.routers.replica_configured", lambda: False)
    counting = CountingCache(caching.cache)
    monkeypatch.setattr(caching, "cache", counting)
    assert client.get("/treaties/untoc/").status_code == 200
    assert counting.calls == ["get_many"]


def test_a_page_kept_before_an_edit_is_rebuilt_after_it_and_replaces_the_old_entry(
    client, treaty
):
    assert "UNTOC" in client.get("/treaties/untoc/").content.decode()
    key = caching.page_key("treaty", "http://testserver/treaties/untoc/")
    assert caching.cache.get(key)[0] == caching.data_version()
    treaty.short_title = "Organized Crime Convention"
    treaty.save()
    assert "Organized Crime Convention" in client.get("/treaties/untoc/").content.decode()
    assert caching.cache.get(key)[0] == caching.data_version()
