"""The editors' workspace for articles, pillars and the concordance (the shared base, with
history, grouped history records, CSV export and import, is ``common.admin``)."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Prefetch
from django.utils.html import format_html

from common.admin import EditorialAdmin, ImportForm
from treaties.admin import provisions_field

from . import columns, services
from .models import ConcordanceFinding, Pillar, Provision, Topic


class CompletenessFilter(admin.SimpleListFilter):
    title = "completeness"
    parameter_name = "completeness"

    def lookups(self, request, model_admin):
        return [
            ("untagged", "Untagged (no pillar)"),
            ("incomplete", "Text incomplete"),
            ("complete", "Tagged, with complete text"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "untagged":
            return queryset.untagged()
        if self.value() == "incomplete":
            return queryset.incomplete()
        if self.value() == "complete":
            return queryset.exclude(pillars__isnull=True).exclude(text_incomplete=True)
        return queryset


class DivisionFilter(admin.SimpleListFilter):
    title = "division"
    parameter_name = "division"

    def lookups(self, request, model_admin):
        treaty = request.GET.get("treaty__id__exact")
        rows = Provision.objects.exclude(division="")
        if treaty and treaty.isdigit():
            rows = rows.filter(treaty_id=treaty)
        divisions = rows.order_by("division").values_list("division", flat=True).distinct()
        return [(d, d if len(d) <= 60 else d[:59] + "…") for d in divisions]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(division=self.value())
        return queryset


class TagImportForm(ImportForm):
    mode = forms.ChoiceField(
        choices=[
            (services.ADD, "Add the pillars to those an article has"),
            (services.REPLACE, "Replace an article's pillars with these (an empty cell untags it)"),
        ],
        initial=services.ADD,
        widget=forms.RadioSelect,
    )

    def options(self):
        return {"mode": self.cleaned_data["mode"]}

    @staticmethod
    def run(content, options, *, apply, user, reason):
        return services.import_provision_tags(
            content, options.get("mode", services.ADD), apply=apply, user=user, reason=reason
        )


class ProvisionForm(forms.ModelForm):
    """No silent traps: a heading typed while "heading verified" is unticked would not be shown
    on the public page, so the form says so; related articles are those of the other
    instruments (``services.related_problems``)."""

    def clean(self):
        cleaned = super().clean()
        heading = (cleaned.get("heading") or "").strip()
        typed = "heading" in self.changed_data and heading
        if typed and not cleaned.get("heading_verified"):
            self.add_error(
                "heading_verified",
                "You typed a heading, but the public page shows a heading only when it is "
                "verified against the official text: tick 'Heading verified' to publish yours, "
                "or clear the heading.",
            )
        related = cleaned.get("related")
        if related is not None:
            for problem in services.related_problems(
                self.instance, related, treaty=cleaned.get("treaty") or self.instance.treaty
            ):
                self.add_error("related", problem)
        return cleaned


@admin.register(Provision)
class ProvisionAdmin(EditorialAdmin):
    csv_spec = columns.PROVISION

    def csv_queryset(self, queryset):
        related = Provision.objects.select_related("treaty").order_by(
            "treaty__position", "sort_key"
        )
        return queryset.prefetch_related(Prefetch("related", queryset=related))

    list_display = (
        "treaty",
        "number",
        "heading",
        "division",
        "pillar_list",
        "text_state",
        "public_page",
    )
    list_display_links = ("number", "heading")
    list_select_related = ("treaty",)
    list_filter = ("treaty", "pillars", CompletenessFilter, DivisionFilter, "text_incomplete")
    search_fields = ("heading", "text", "number")
    ordering = ("treaty__position", "sort_key")
    autocomplete_fields = ("related",)
    readonly_fields = ("public_page", "modified_at")
    export_exclude = ("public_page",)
    form = ProvisionForm
    import_form = TagImportForm
    import_help_template = "admin/treatykb/import_tags_help.html"
    fieldsets = (
        (None, {"fields": ("treaty", "number", "heading", "heading_verified", "division")}),
        ("Text", {"fields": ("text", "text_incomplete")}),
        ("Tags and links", {"fields": ("pillars", "related")}),
        ("Record", {"fields": ("public_page", "modified_at")}),
    )

    def get_search_results(self, request, queryset, search_term):
        """Words of the heading and text, and article references ("Palermo Protocol art. 3",
        "palermo-protocol 3", "ACTIP 5", "CETS 197 art. 12"): the changelist's search and the
        related-articles autocomplete alike."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        named = queryset.filter(pk__in=Provision.objects.by_reference(search_term).values("pk"))
        return found | named, may_have_duplicates

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("treaty")
            .prefetch_related(Prefetch("pillars", queryset=Pillar.objects.order_by("position")))
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.pk:
            return ("treaty", "number", *self.readonly_fields)
        return self.readonly_fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "pillars":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return provisions_field(super(), db_field, request, **kwargs)

    @admin.display(description="pillars")
    def pillar_list(self, obj):
        return ", ".join(p.name for p in obj.pillars.all()) or "untagged"

    @admin.display(description="text", ordering="text_incomplete")
    def text_state(self, obj):
        return "incomplete" if obj.text_incomplete else "complete"

    @admin.display(description="public page")
    def public_page(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        url = obj.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)

    # -- bulk pillar actions: one "add"/"remove" action per pillar ------------------------------
    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_change_permission(request):
            return actions
        for pillar in Pillar.objects.all():
            for verb, service in (("add", services.add_pillar), ("remove", services.remove_pillar)):
                name = f"{verb}_pillar_{pillar.slug}"
                description = (
                    f"Tag selected with pillar: {pillar.name}"
                    if verb == "add"
                    else f"Untag selected from pillar: {pillar.name}"
                )
                actions[name] = (self.pillar_action(service, pillar, verb), name, description)
        return actions

    def pillar_action(self, service, pillar, verb):
        def action(modeladmin, request, queryset):
            if modeladmin.proposing(request):
                return modeladmin.propose_pillar(request, queryset, pillar, verb)
            count = service(
                queryset, pillar, user=request.user, reason=f"Bulk {verb}: {pillar.name}"
            )
            done = "tagged with" if verb == "add" else "untagged from"
            modeladmin.message_user(
                request, f"{count} provision(s) {done} {pillar.name}.", messages.SUCCESS
            )

        return action

    def propose_pillar(self, request, queryset, pillar, verb):
        """An editor who may not publish directly: one proposal per article whose pillars the
        action would change."""
        request.treatykb_proposal = {"reason": f"Bulk {verb}: {pillar.name}", "source": ""}
        made = []
        for provision in queryset.prefetch_related("pillars"):
            current = {p.pk for p in provision.pillars.all()}
            wanted = current | {pillar.pk} if verb == "add" else current - {pillar.pk}
            if wanted != current:
                proposal = self.propose(
                    request, target=provision, changes={"pillars": sorted(wanted)}
                )
                made += [proposal] if proposal else []
        self.message_user(
            request,
            f"{len(made)} proposal(s) for review: nothing is tagged until a reviewer approves.",
            messages.SUCCESS,
        )

    def can_import(self, request):
        """Importing tags only changes articles (and publishes them: not for an editor whose
        changes are reviewed)."""
        return self.has_change_permission(request) and not self.proposing(request)


@admin.register(Pillar)
class PillarAdmin(EditorialAdmin):
    csv_spec = columns.PILLAR
    list_display = ("name", "slug", "position", "description", "provision_count")
    list_editable = ("position",)
    search_fields = ("name", "slug")
    ordering = ("position",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(provision_count=Count("provisions"))

    def get_readonly_fields(self, request, obj=None):
        return ("slug", "modified_at") if obj is not None and obj.pk else ()

    def has_add_permission(self, request):
        return request.user.is_superuser

    @admin.display(description="articles", ordering="provision_count")
    def provision_count(self, obj):
        return obj.provision_count


class FindingForm(forms.ModelForm):
    """A finding of no corresponding provision, checked against the topic's articles and the
    completeness of the instrument's text (``services.finding_problems``)."""

    class Meta:
        model = ConcordanceFinding
        fields = ("topic", "treaty", "by", "recorded_on", "note")

    def clean(self):
        cleaned = super().clean()
        topic = cleaned.get("topic") or getattr(self.instance, "topic", None)
        treaty = cleaned.get("treaty")
        if topic is not None and topic.pk and treaty is not None:
            for problem in services.finding_problems(topic, treaty):
                self.add_error(None, problem)
        return cleaned


class FindingInline(admin.StackedInline):
    """A topic's findings that an instrument has no corresponding provision."""

    model = ConcordanceFinding
    form = FindingForm
    extra = 0
    fields = ("treaty", "by", "recorded_on", "note")
    verbose_name = "finding of no corresponding provision"
    verbose_name_plural = (
        "findings of no corresponding provision (only where an editor read the full text)"
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("treaty", "topic")


@admin.register(ConcordanceFinding)
class ConcordanceFindingAdmin(EditorialAdmin):
    """Findings that an instrument has no provision on a topic: the only cells the comparison
    shows as "No corresponding provision"."""

    form = FindingForm
    list_display = ("topic", "treaty", "by", "recorded_on", "modified_at")
    list_filter = ("treaty",)
    list_select_related = ("topic", "treaty")
    search_fields = ("topic__name", "topic__slug", "treaty__short_title", "by", "note")
    autocomplete_fields = ("topic", "treaty")
    readonly_fields = ("modified_at",)


@admin.register(Topic)
class TopicAdmin(EditorialAdmin):
    csv_spec = columns.TOPIC
    inlines = [FindingInline]

    def csv_queryset(self, queryset):
        return queryset.for_csv()

    list_display = ("name", "slug", "position", "provision_count")
    list_editable = ("position",)
    search_fields = ("name", "slug", "description")
    autocomplete_fields = ("provisions",)
    readonly_fields = ("modified_at",)
    ordering = ("position",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(provision_count=Count("provisions"))

    @admin.display(description="articles", ordering="provision_count")
    def provision_count(self, obj):
        return obj.provision_count

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return provisions_field(super(), db_field, request, **kwargs)
