"""The editorial roles: which permissions the Editors, Trusted editors and Reviewers groups
hold (README, "Editing": who may do what; ``tests/admin/test_roles.py`` pins the whole matrix).

- Editors change the content (and nothing else: no users, groups or permissions); their
  changes to articles, ratification records, statements and participants are **proposals**
  that wait for review (``review.services``); they comment on proposals and withdraw their own.
- Trusted editors are editors who also **publish directly** (``review.publish_directly``, which
  superusers have too): their saves are public at once.
- Reviewers see everything an editor sees, change nothing themselves, and **approve or reject**
  proposals (``review.decide_proposal``), with comments.

Applied by the migrations (``treaties/migrations/0003_editorial_roles.py``, then each app's
own when its models came) and by ``manage.py sync_roles`` (both set each group's permissions to
exactly these, so running them again changes nothing).
"""

EDITORS = "Editors"
TRUSTED_EDITORS = "Trusted editors"
REVIEWERS = "Reviewers"

# (app label, model name) -> the actions editors may take. Treaties, articles and pillars are
# fixed sets that editors complete and correct but do not create or delete.
EDITOR_ACTIONS = {
    ("treaties", "treaty"): ("view", "change"),
    ("treaties", "participant"): ("view", "add", "change"),
    ("treaties", "ratification"): ("view", "add", "change", "delete"),
    ("treaties", "statement"): ("view", "add", "change", "delete"),
    ("provisions", "provision"): ("view", "change"),
    ("provisions", "pillar"): ("view", "change"),
    ("provisions", "topic"): ("view", "add", "change", "delete"),
    # That an instrument has no provision on a topic: an editor records (or withdraws) it.
    ("provisions", "concordancefinding"): ("view", "add", "change", "delete"),
    # Where the shipped data changed a field an editor had changed: editors decide.
    ("catalogue", "decision"): ("view", "change"),
    # The depositary's record read against the published one: editors run the import (its
    # differences become proposals), everyone in a role sees the runs.
    ("catalogue", "depositaryimport"): ("view", "add"),
    # Free API keys for organisations: editors issue and revoke them (never delete).
    ("apikeys", "apikey"): ("view", "add", "change"),
}


# Proposals: everyone in a role sees them and comments on them (an editor withdraws their own).
PROPOSAL_PERMISSIONS = {
    ("review", "view_proposal"),
    ("review", "view_comment"),
    ("review", "add_comment"),
}
PUBLISH_DIRECTLY = ("review", "publish_directly")
DECIDE_PROPOSAL = ("review", "decide_proposal")
# Permissions that are not "<action>_<model>": the model each belongs to.
CUSTOM_PERMISSION_MODELS = {"publish_directly": "proposal", "decide_proposal": "proposal"}


def role_permissions():
    """Group name -> set of (app label, codename)."""
    editors, reviewers = set(PROPOSAL_PERMISSIONS), set(PROPOSAL_PERMISSIONS)
    for (app_label, model), actions in EDITOR_ACTIONS.items():
        editors.update((app_label, f"{action}_{model}") for action in actions)
        reviewers.add((app_label, f"view_{model}"))
    return {
        EDITORS: editors,
        TRUSTED_EDITORS: editors | {PUBLISH_DIRECTLY},
        REVIEWERS: reviewers | {DECIDE_PROPOSAL},
    }


def permission_model(codename):
    return CUSTOM_PERMISSION_MODELS.get(codename) or codename.split("_", 1)[1]


def exists(apps, app_label, model_name):
    try:
        apps.get_model(app_label, model_name)
    except LookupError:
        return False
    return True


def sync_roles(apps=None, using="default"):
    """Create the groups (and any missing permission) and set their permissions exactly.

    ``apps`` is a migration's app registry, or None for the running project."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    apps = apps or global_apps
    for app_config in apps.get_app_configs():
        # A migration's app registry has no models modules; create_permissions skips those.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0, using=using)
        finally:
            app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in role_permissions().items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        permissions = [
            Permission.objects.using(using).get(
                content_type__app_label=app_label, codename=codename
            )
            for app_label, codename in sorted(wanted)
            # A migration that runs before a model's own (the roles were first synced before the
            # catalogue's decisions existed) leaves it out; that model's migrations sync again.
            if exists(apps, app_label, permission_model(codename))
        ]
        group.permissions.set(permissions)
