"""Every row of every table, as JSON-ready lists: what a backup must bring back unchanged.

``python -c "from tests.ops.snapshot import main; main()"`` prints it for the database that
``DATABASE_URL`` names (the test suite compares a restored database with the original)."""

import json

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder


def tables():
    """Every concrete model, including many-to-many link tables and historical models."""
    return sorted(
        (
            model
            for model in apps.get_models(include_auto_created=True)
            if not model._meta.proxy and model._meta.managed
        ),
        key=lambda model: model._meta.db_table,
    )


def snapshot(using="default"):
    """{table: rows ordered by primary key, each row the values of every column}."""
    result = {}
    for model in tables():
        columns = [field.attname for field in model._meta.concrete_fields]
        rows = model._base_manager.using(using).order_by("pk").values_list(*columns)
        result[model._meta.db_table] = json.loads(json.dumps(list(rows), cls=DjangoJSONEncoder))
    return result


def main():
    import django

    django.setup()
    print(json.dumps(snapshot()))
