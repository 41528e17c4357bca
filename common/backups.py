"""Whole-database backups and restores (``manage.py backup_db`` / ``restore_db``, ``make backup``
/ ``make restore``; docs/deploy.md, "Backups").

* PostgreSQL: ``pg_dump --format=custom`` (a consistent snapshot taken while the site runs) and
  ``pg_restore`` in a single transaction, with the client programs of the server's major version
  (``/usr/lib/postgresql/<version>/bin``).
* SQLite: SQLite's online backup API (``sqlite3.Connection.backup``), which copies a consistent
  state of a live database page by page; never a copy of the file, which could catch a write
  half done.

A restore goes into an empty database only, unless forced: restoring over live data by mistake
must be impossible. A backup is written under a temporary name and renamed when complete, so a
failed backup never leaves a file that looks whole.
"""

import datetime
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connections

BACKUP_DIR = Path(settings.BASE_DIR) / "backups"
EXTENSIONS = {"postgresql": "dump", "sqlite": "sqlite3"}
MAGIC = {"postgresql": b"PGDMP", "sqlite": b"SQLite format 3\x00"}
ENGINE_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


class BackupError(Exception):
    pass


def vendor_of(alias):
    vendor = connections[alias].vendor
    if vendor not in EXTENSIONS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def describe(alias):
    settings_dict = connections[alias].settings_dict
    where = f" on {settings_dict['HOST']}:{settings_dict['PORT'] or 5432}"
    return f"'{settings_dict['NAME']}'" + (where if settings_dict.get("HOST") else "")


def backup_path(output, vendor, now=None):
    """``output`` itself if it names a file (it has an extension and is not a folder), else
    ``treatykb-<UTC time>.<ext>`` in the folder ``output`` (default: ``backups/``)."""
    output = Path(output) if output else BACKUP_DIR
    if output.suffix and not output.is_dir():
        return output
    stamp = (now or datetime.datetime.now(datetime.UTC)).strftime("%Y%m%dT%H%M%SZ")
    return output / f"treatykb-{stamp}.{EXTENSIONS[vendor]}"


def backup(alias="default", output=None):
    """Write a full backup of database ``alias``; returns its path."""
    vendor = vendor_of(alias)
    path = backup_path(output, vendor)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        if vendor == "sqlite":
            sqlite_copy(open_sqlite(alias, read_only=True), sqlite3.connect(partial))
        else:
            run_pg(alias, "pg_dump", ["--format=custom", "--file", str(partial)])
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def backup_vendor(path):
    with open(path, "rb") as file:
        head = file.read(16)
    for vendor, magic in MAGIC.items():
        if head.startswith(magic):
            return vendor
    raise BackupError(f"{path} is not a Treaty KB backup (neither a pg_dump archive nor SQLite).")


def existing_tables(alias):
    connection = connections[alias]
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def restore(path, alias="default", force=False):
    """Restore the backup at ``path`` into database ``alias``, which must be empty unless
    ``force``; returns the number of tables it had before."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    vendor, kind = vendor_of(alias), backup_vendor(path)
    if kind != vendor:
        raise BackupError(
            f"{path} is a {ENGINE_NAMES[kind]} backup; database {describe(alias)} is "
            f"{ENGINE_NAMES[vendor]}. Restore it into a {ENGINE_NAMES[kind]} database."
        )
    tables = existing_tables(alias)
    if tables and not force:
        raise BackupError(
            f"Database {describe(alias)} is not empty: it has {len(tables)} tables "
            f"(e.g. {', '.join(tables[:3])}). Restore into an empty database, or force it to "
            "replace what is there (--force; make restore FORCE=1)."
        )
    connections[alias].close()
    if vendor == "sqlite":
        sqlite_copy(read_only_sqlite(path), open_sqlite(alias))
    else:
        options = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        if tables:
            options += ["--clean", "--if-exists"]
        run_pg(alias, "pg_restore", [*options, "--dbname", database_name(alias), str(path)])
    return len(tables)


# -- SQLite ---------------------------------------------------------------------------------------


def open_sqlite(alias, read_only=False):
    """A connection of its own to the database's file (or the test suite's shared in-memory
    database), so that the copy holds only committed data."""
    name = str(connections[alias].settings_dict["NAME"])
    if name.startswith("file:"):
        return sqlite3.connect(name, uri=True)
    if read_only:
        if not Path(name).is_file():
            raise BackupError(f"No SQLite database at {name}.")
        return read_only_sqlite(name)
    Path(name).parent.mkdir(parents=True, exist_ok=True)
    return sqlite3.connect(name)


def read_only_sqlite(path):
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)


def sqlite_copy(source, target):
    """Copy the whole of ``source`` over ``target`` with the online backup API (a consistent
    state of the source; the target is replaced in one step) and close both."""
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


# -- PostgreSQL -----------------------------------------------------------------------------------


def database_name(alias):
    return connections[alias].settings_dict["NAME"]


def server_major_version(alias):
    with connections[alias].cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def pg_program(alias, name):
    """The client program of the server's major version: pg_dump refuses newer servers, and
    pg_restore older archive formats."""
    major = server_major_version(alias)
    matching = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    if matching.is_file():
        return str(matching)
    found = shutil.which(name)
    if found:
        return found
    raise BackupError(
        f"{name} is not installed: install PostgreSQL {major}'s client programs "
        f"(apt-get install postgresql-client-{major})."
    )


def pg_environment(alias):
    """libpq's environment for the database's settings (the password never appears in a
    command line)."""
    settings_dict = connections[alias].settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
    }
    options = settings_dict.get("OPTIONS", {})
    for option, variable in LIBPQ_OPTIONS.items():
        if options.get(option) not in (None, ""):
            values[variable] = options[option]
    env.update({k: str(v) for k, v in values.items() if v not in (None, "")})
    return env


def run_pg(alias, program, arguments):
    command = [pg_program(alias, program), "--no-password", *arguments]
    result = subprocess.run(
        command, env=pg_environment(alias), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed ({result.returncode}): {result.stderr.strip()}")
