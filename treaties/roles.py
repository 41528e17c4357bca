"""The editorial roles: which model permissions the Editors and Reviewers groups hold.

Editors change the content (and nothing else: no users, groups or permissions); Reviewers see
everything an editor sees and change nothing. Applied by the migration
``treaties/migrations/0003_editorial_roles.py`` and by ``manage.py sync_roles`` (both set each
group's permissions to exactly these, so running them again changes nothing).
"""

EDITORS = "Editors"
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
    # Free API keys for organisations: editors issue and revoke them (never delete).
    ("apikeys", "apikey"): ("view", "add", "change"),
}


def role_permissions():
    """Group name -> set of (app label, codename)."""
    editors, reviewers = set(), set()
    for (app_label, model), actions in EDITOR_ACTIONS.items():
        editors.update((app_label, f"{action}_{model}") for action in actions)
        reviewers.add((app_label, f"view_{model}"))
    return {EDITORS: editors, REVIEWERS: reviewers}


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
            if exists(apps, app_label, codename.split("_", 1)[1])
        ]
        group.permissions.set(permissions)
