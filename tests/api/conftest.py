import pytest
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttle counters live in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client():
    return APIClient(HTTP_HOST="localhost")


@pytest.fixture
def reader(db):
    """An account with no permission at all."""
    user = User.objects.create_user("reader", password="reader-password-1")
    return user


EDITING = [
    f"{action}_{model}"
    for action in ("add", "change", "delete")
    for model in ("ratification", "statement", "provision")
]


@pytest.fixture
def editor(db):
    """An account with every add/change/delete permission on the editable models and the
    permission to publish directly: its writes are public at once (the tests of writing
    itself). Without that permission a write is a proposal: ``proposing_editor``."""
    user = User.objects.create_user("editor", password="editor-password-1")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=[*EDITING, "publish_directly"])
    )
    return user


@pytest.fixture
def proposing_editor(db):
    """The same permissions on the models, without the permission to publish directly."""
    user = User.objects.create_user("proposer", password="proposer-password-1")
    user.user_permissions.add(*Permission.objects.filter(codename__in=EDITING))
    return user


def token_client(user):
    token, _ = Token.objects.get_or_create(user=user)
    api = APIClient(HTTP_HOST="localhost")
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


@pytest.fixture
def reader_client(reader):
    return token_client(reader)


@pytest.fixture
def editor_client(editor):
    return token_client(editor)


@pytest.fixture
def shipped_site(live_server, settings):
    """The shipped data set, committed (a transactional test: the live server's thread reads
    it through its own connection on PostgreSQL), served by ``live_server``; its base URL.

    Use with ``pytest.mark.django_db(transaction=True, databases=["default", "replica"],
    serialized_rollback=True)``."""
    from catalogue.loader import load

    settings.ALLOWED_HOSTS = ["*"]
    load(settings.TREATYKB_FIXTURES_DIR)
    return live_server.url
