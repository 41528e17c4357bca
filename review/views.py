"""The team's activity page, inside the admin (``review.activity``)."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from common import csvfiles
from common.params import ISODateField
from treaties.models import Treaty

from . import activity

PAGE_SIZE = 100
# A CSV export holds at most this many events (narrow the filters for more).
MAX_CSV_ROWS = 100_000


def may_see_activity(user):
    """Everyone in an editorial role (editors, trusted editors, reviewers) and superusers."""
    return user.is_active and user.is_staff and user.has_perm("review.view_proposal")


class ActivityFilterForm(forms.Form):
    user = forms.ModelChoiceField(
        # Every account: an API client writes without being staff.
        get_user_model().objects.order_by("username"),
        required=False,
        empty_label="everyone",
    )
    since = ISODateField(required=False, label="from", help_text="YYYY-MM-DD")
    until = ISODateField(required=False, label="to", help_text="YYYY-MM-DD")
    model = forms.ChoiceField(required=False, label="kind of record")
    treaty = forms.ModelChoiceField(
        Treaty.objects.order_by("position", "slug"),
        required=False,
        to_field_name="slug",
        empty_label="any treaty",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", "any")] + [
            (model._meta.label_lower, model._meta.verbose_name_plural)
            for model in activity.tracked_models()
        ]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end of the range comes before its start.")
        return cleaned

    def filters(self):
        data = self.cleaned_data
        return activity.Filters(
            user=data["user"].pk if data.get("user") else None,
            since=data.get("since"),
            until=data.get("until"),
            model=data.get("model") or "",
            treaty=data["treaty"].pk if data.get("treaty") else None,
        )


def activity_view(request):
    """Every change by everyone, newest first; ``?format=csv`` exports the filtered list."""
    if not may_see_activity(request.user):
        raise PermissionDenied
    form = ActivityFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    filters = form.filters() if form.is_bound and valid else activity.Filters()
    if request.GET.get("format") == "csv":
        if not valid:
            return HttpResponse(
                "\n".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        return activity_csv(filters)
    context = {
        **admin.site.each_context(request),
        "title": "Team activity",
        "form": form,
        "query": request.GET.urlencode(),
    }
    status = 200
    if valid:
        paginator = Paginator(activity.events(filters), PAGE_SIZE)
        try:
            page = paginator.page(request.GET.get("page") or 1)
        except Exception:
            raise Http404("No such page.") from None
        context.update(
            page=page,
            events=activity.describe(list(page.object_list)),
            count=paginator.count,
            query_without_page=_without(request.GET, "page"),
        )
    else:
        status = 400
    return TemplateResponse(request, "admin/review/activity.html", context, status=status)


def _without(query, name):
    query = query.copy()
    query.pop(name, None)
    return query.urlencode()


CSV_HEADER = [
    "when",
    "user",
    "kind",
    "record_type",
    "record_id",
    "record",
    "treaty",
    "reason",
    "detail",
]


def activity_csv(filters):
    rows = list(activity.events(filters)[:MAX_CSV_ROWS])
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"treatykb-activity-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    out = []
    for event in activity.describe(rows):
        out.append(
            [
                csvfiles.cell(event.when),
                event.user.get_username() if event.user else "",
                event.kind,
                event.model._meta.label_lower,
                csvfiles.cell(event.object_id),
                event.label,
                event.treaty.slug if event.treaty else "",
                event.reason,
                event.detail,
            ]
        )
    csvfiles.write(response, CSV_HEADER, out)
    return response
