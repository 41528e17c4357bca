"""``make backup`` / ``make restore`` (``backup_db`` / ``restore_db``): a backup of the real data
set with editors' changes, restored into an empty database, brings back every row of every
table, history included. Runs on the database the suite runs on: SQLite (online backup API) and
PostgreSQL (pg_dump / pg_restore)."""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from catalogue.loader import load
from common.backups import backup_path
from common.history import grouped_history
from provisions.models import Pillar, Provision
from tests.ops.snapshot import snapshot
from treaties.models import Ratification, Statement, StatementKind, Treaty
from treaties.services import add_statement

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(
    transaction=True, databases=["default", "replica"], serialized_rollback=True
)

EDIT_REASON = "Backup round trip: an editor's changes"
STATEMENT_TEXT = "Upon ratification: the Government declares that article 15(2) does not apply."


def manage(*arguments, database_url, check=True):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "treatykb.settings",
        "TREATYKB_ENV": "development",
        "DATABASE_URL": database_url,
    }
    return subprocess.run(
        [sys.executable, *arguments],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=check,
    )


def snapshot_of(database_url):
    code = "from tests.ops.snapshot import main; main()"
    return json.loads(manage("-c", code, database_url=database_url).stdout)


@pytest.fixture
def empty_database(tmp_path):
    """The URL of a new, empty database on the same server as the suite's."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    params = connection.settings_dict
    name = f"{params['NAME']}_restored"
    admin = psycopg2.connect(
        dbname="postgres",
        user=params["USER"],
        password=params["PASSWORD"],
        host=params["HOST"],
        port=params["PORT"],
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    credentials = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    yield f"postgres://{credentials}@{params['HOST']}:{params['PORT']}/{name}"
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def edited_real_data():
    """The shipped data set, then an editor's changes: a pillar tag, a statement, a treaty's
    note, each recorded in the history, and an editor account in the Editors group."""
    load(settings.TREATYKB_FIXTURES_DIR)
    editor = User.objects.create_user("editor", password="an-editor-password-1", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    provision = Provision.objects.filter(treaty__slug="palermo-protocol", number="9").get()
    pillar = Pillar.objects.exclude(provisions=provision).order_by("position").first()
    record = Ratification.objects.filter(treaty__slug="untoc").order_by("pk").first()
    with grouped_history(user=editor, reason=EDIT_REASON):
        provision.pillars.add(pillar)
        treaty = Treaty.objects.get(slug="untoc")
        treaty.status_note = "Checked against the depositary's page."
        treaty.save()
    add_statement(
        record,
        user=editor,
        reason=EDIT_REASON,
        kind=StatementKind.DECLARATION,
        article_reference="15(2)",
        text=STATEMENT_TEXT,
    )
    return provision, pillar


def test_a_restored_backup_has_every_row_of_every_table(tmp_path, edited_real_data, empty_database):
    provision, pillar = edited_real_data
    before = snapshot()

    call_command("backup_db", output=tmp_path / "backups")
    (backup,) = (tmp_path / "backups").iterdir()
    assert backup.name.startswith("treatykb-")
    manage("manage.py", "restore_db", str(backup), database_url=empty_database)
    after = snapshot_of(empty_database)

    assert sorted(after) == sorted(before)
    for table in before:
        assert after[table] == before[table], f"{table} differs after the restore"
    # What is compared is the real data and the edits, not empty tables.
    counts = {table: len(rows) for table, rows in after.items()}
    assert counts["treaties_treaty"] == 4
    for table in (
        "provisions_provision",
        "provisions_provision_pillars",
        "provisions_provision_related",
        "provisions_topic_provisions",
        "treaties_ratification",
        "treaties_statement",
        "treaties_statement_provisions",
        "treaties_historicalstatement",
        "provisions_historicalprovision_pillars",
        "auth_user_groups",
    ):
        assert counts[table] > 0, table
    assert any(STATEMENT_TEXT in row for row in after["treaties_statement"])
    assert [provision.pk, pillar.pk] in [row[1:] for row in after["provisions_provision_pillars"]]
    assert Statement.history.filter(history_change_reason=EDIT_REASON).exists()
    assert any(EDIT_REASON in row for row in after["treaties_historicalstatement"])

    # The restored database now has tables: restoring into it again needs --force.
    again = manage("manage.py", "restore_db", str(backup), database_url=empty_database, check=False)
    assert again.returncode == 1
    assert "is not empty" in again.stderr
    assert "--force" in again.stderr
    forced = manage("manage.py", "restore_db", str(backup), "--force", database_url=empty_database)
    assert "replacing" in forced.stdout


def test_a_restore_into_the_live_database_is_refused(tmp_path):
    backup = tmp_path / "live.dump"
    call_command("backup_db", output=backup)
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore_db", str(backup))


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    bogus = tmp_path / "notes.dump"
    bogus.write_text("not a backup")
    with pytest.raises(CommandError, match="is not a Treaty KB backup"):
        call_command("restore_db", str(bogus))
    with pytest.raises(CommandError, match="No backup at"):
        call_command("restore_db", str(tmp_path / "missing.dump"))


def test_backups_are_named_by_their_time_in_the_backups_folder():
    when = datetime.datetime(2026, 11, 28, 9, 30, 5, tzinfo=datetime.UTC)
    assert backup_path(None, "postgresql", when) == (
        Path(settings.BASE_DIR) / "backups" / "treatykb-20261128T093005Z.dump"
    )
    assert backup_path(None, "sqlite", when).name == "treatykb-20261128T093005Z.sqlite3"
