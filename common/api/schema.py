"""The OpenAPI schema as a client generator can trust it (``DEFAULT_SCHEMA_CLASS``).

drf-spectacular describes the serializers; this adds what the API does around them:

- **Reads are anonymous**: no security requirement on a GET (an API key only raises the quota:
  the ``apiKey`` scheme is described, never required); writes keep token or session.
- **Every error in one shape**: each operation lists its error answers (400, 401, 404, 406,
  412, 429, 503; on writes also 403 and 415) as ``application/problem+json``, RFC 9457
  (``Problem``; a 400 is a ``ValidationProblem`` with field messages in ``errors``).
- **Conditional reads**: ``304`` with its ``ETag`` and ``Last-Modified``, and both on the 200.
- **Pages**: ``X-Total-Count`` and ``Link`` on every list; ``RateLimit`` and
  ``RateLimit-Policy`` on every answer; ``Retry-After`` on a 429 and a 503.
- **Representations**: ``text/csv`` answers are strings (not the JSON schema), the browsable
  view (``format=api``) a ``text/html`` string; each list's CSV address (``<list>.csv``) is an
  operation of its own (``<name>_list_csv``) answering ``text/csv`` only, so a generated
  client reads CSV too.
- **An empty value means no filter** for every optional query parameter
  (``allowEmptyValue``).
"""

from django import forms
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import SAFE_METHODS

from .conditional import ConditionalReadMixin
from .problems import MEDIA_TYPE

PROBLEM = {
    "type": "object",
    "description": "An error, as problem details (RFC 9457, application/problem+json).",
    "required": ["type", "title", "status", "detail", "instance"],
    "properties": {
        "type": {
            "type": "string",
            "description": "The kind of problem: an address of this API that describes it "
            "(/api/v1/problems/<name>/), or about:blank for a plain HTTP error.",
        },
        "title": {"type": "string", "description": "The kind of problem, in a few words."},
        "status": {"type": "integer", "description": "The HTTP status code."},
        "detail": {"type": "string", "description": "What went wrong with this request."},
        "instance": {"type": "string", "description": "The address asked for (path and query)."},
    },
}
VALIDATION_PROBLEM = {
    "description": "An invalid request: a problem document whose 'errors' names each invalid "
    "or unknown parameter or field with its messages (and the accepted values).",
    "allOf": [
        {"$ref": "#/components/schemas/Problem"},
        {
            "type": "object",
            "required": ["errors"],
            "properties": {
                "errors": {
                    "type": "object",
                    "description": "Per parameter or field (nested fields by their path, e.g. "
                    "statements.0.text; problems with the whole body under "
                    "non_field_errors), its messages.",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                }
            },
        },
    ],
}
RELEASE_LINK = {
    "type": "object",
    "nullable": True,
    "description": "A release: its date and address (null when there is none).",
    "properties": {
        "date": {"type": "string", "format": "date", "description": "The release's date."},
        "url": {"type": "string", "description": "Where to download it."},
    },
}
NO_RELEASE_PROBLEM = {
    "description": "No release of that date (or none at all yet): a problem document naming "
    "the nearest releases before and after it.",
    "allOf": [
        {"$ref": "#/components/schemas/Problem"},
        {
            "type": "object",
            "properties": {
                "earlier": {**RELEASE_LINK, "description": "The nearest earlier release."},
                "later": {**RELEASE_LINK, "description": "The nearest later release."},
            },
        },
    ],
}
COMPONENTS = {
    "Problem": PROBLEM,
    "ValidationProblem": VALIDATION_PROBLEM,
    "NoReleaseProblem": NO_RELEASE_PROBLEM,
}
API_KEY_SCHEME = {
    "type": "apiKey",
    "in": "header",
    "name": "X-API-Key",
    "description": "Optional on every read: a free API key (ask the editors) gives its holder "
    "its own quota (5,000 requests an hour unless agreed otherwise) instead of the quota of "
    "its address. Never needed to read; writes need a token or a session.",
}


def header(description, required=False, pattern=None):
    schema = {"type": "string"}
    if pattern:
        schema["pattern"] = pattern
    return {"description": description, "required": required, "schema": schema}


RATE_HEADERS = {
    "RateLimit": header(
        'The quota left (IETF RateLimit header fields): \'"<policy>";r=<requests left>;'
        "t=<seconds until the window resets>'. Absent when the server sets no quota."
    ),
    "RateLimit-Policy": header(
        'The quota: \'"<policy>";q=<requests>;w=<window in seconds>\' (policy "key" for an '
        'API key, "anonymous" per address). Absent when the server sets no quota.'
    ),
}
VALIDATOR_HEADERS = {
    "ETag": header(
        "The version of this answer: send it back in If-None-Match to get 304 while nothing "
        "has changed (and, for a record, in If-Match to write it).",
        required=True,
    ),
    "Last-Modified": header(
        "When the data last changed (HTTP date): send it back in If-Modified-Since.",
        required=True,
    ),
}
LIST_HEADERS = {
    "X-Total-Count": header("Rows over all pages.", required=True, pattern=r"^[0-9]+$"),
    "Link": header(
        'The next and previous pages, with the same filters: <url>; rel="next", '
        '<url>; rel="prev" (RFC 8288); absent on a single page.'
    ),
}
RETRY_AFTER = {"Retry-After": header("Seconds to wait before asking again.", required=True)}

ERRORS = {
    "400": (
        "ValidationProblem",
        "Invalid request: an unknown parameter, an invalid value, an invalid body; 'errors' "
        "names each with the accepted values.",
        {},
    ),
    "401": (
        "Problem",
        "An API key or token that is unknown or revoked (or, for a write, none at all).",
        {},
    ),
    "403": ("Problem", "The account may not make this change.", {}),
    "404": ("Problem", "No such object, or a page past the last.", {}),
    "406": ("Problem", "No representation matches the Accept header.", {}),
    "410": (
        "ValidationProblem",
        "No longer kept (changes past their retention): pull every list again.",
        {},
    ),
    "412": (
        "Problem",
        "If-Match (or If-Unmodified-Since) names a version other than the current one: the "
        "current ETag is in the answer's ETag header.",
        {"ETag": header("The current version.")},
    ),
    "415": ("Problem", "The body is not application/json.", {}),
    "429": (
        "Problem",
        "The quota is used up (see RateLimit and RateLimit-Policy): retry after Retry-After "
        "seconds.",
        RETRY_AFTER,
    ),
    "503": (
        "Problem",
        "The database is unavailable or too slow: retry after Retry-After seconds.",
        RETRY_AFTER,
    ),
}
READ_ERRORS = ("400", "401", "404", "406", "429", "503")
WRITE_ERRORS = ("400", "401", "403", "404", "406", "412", "415", "429", "503")
STRING = {"type": "string"}


class ApiSchema(AutoSchema):
    def _register(self):
        for name, schema in COMPONENTS.items():
            self.registry.register_on_missing(
                ResolvedComponent(
                    name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name
                )
            )
        self.registry.register_on_missing(
            ResolvedComponent(
                name="apiKey",
                type=ResolvedComponent.SECURITY_SCHEMA,
                schema=API_KEY_SCHEME,
                object="apiKey",
            )
        )

    @property
    def csv_only(self):
        return getattr(self.view, "csv_only", False)

    @property
    def reads(self):
        return self.method in SAFE_METHODS

    @property
    def conditional(self):
        return self.reads and (
            isinstance(self.view, ConditionalReadMixin)
            or getattr(self.view, "conditional_reads", False)
        )

    def get_auth(self):
        self._register()
        if self.reads:
            return []
        return [requirement for requirement in super().get_auth() if requirement]

    @property
    def cursor_list(self):
        """A list with no pages of its own (the change feed's cursor): it answers one object."""
        return getattr(self.view, "action", None) == "list" and (
            getattr(self.view, "pagination_class", "") is None
        )

    def _is_list_view(self, serializer=None):
        if self.cursor_list:
            return False
        return super()._is_list_view(serializer)

    def get_operation_id(self):
        operation_id = super().get_operation_id()
        if self.cursor_list:
            return operation_id.removesuffix("_retrieve") + "_list"
        if self.csv_only:
            return operation_id.replace(".csv", "") + "_csv"
        return operation_id

    def get_description(self):
        description = super().get_description() or ""
        if self.csv_only:
            description = (
                "The same list as CSV, always (the same rows, filters, ordering and pages as the "
                "JSON list; one page per answer, the total and the other pages in X-Total-Count "
                "and Link).\n\n" + description
            )
        return description

    def _get_parameters(self):
        parameters = super()._get_parameters()
        if self.csv_only:
            parameters = [p for p in parameters if p["name"] != "format"]
        for parameter in parameters:
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
            if parameter["in"] == "query":
                self._describe_values(parameter)
        return parameters

    def _describe_values(self, parameter):
        """A filter whose values must name something that exists (a treaty, a participant, a
        region, a pillar, an article) lists them, as they are now, in its schema: a request the
        schema admits is then one the API accepts. A timestamp is described as one."""
        filterset_class = getattr(self.view, "filterset_class", None)
        found = filterset_class.base_filters.get(parameter["name"]) if filterset_class else None
        if found is None:
            return
        field = found.field
        schema = parameter.get("schema", {})
        target = schema.get("items", schema) if schema.get("type") == "array" else schema
        if "enum" in target or target.get("type") not in ("string", None):
            return
        values = None
        if hasattr(field, "vocabulary"):
            values = field.vocabulary()
        elif isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
            key = field.to_field_name or "pk"
            values = [str(v) for v in field.queryset.order_by(key).values_list(key, flat=True)]
        elif isinstance(field, forms.ChoiceField):
            values = [str(key) for key, _ in field.choices if key not in ("", None)]
        elif type(field).__name__ == "TimestampField":
            target["anyOf"] = [{"format": "date-time"}, {"format": "date"}]
        if values:  # none yet (an empty database): any string, checked by the API
            target["enum"] = list(dict.fromkeys(values))

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        html = self.reads and any(r.format == "api" for r in self.view.get_renderers())
        for code, response in responses.items():
            content = response.get("content")
            if not content or not code.startswith("2"):
                continue
            if "text/csv" in content:
                content["text/csv"] = {"schema": {**STRING, "description": "CSV (UTF-8)."}}
            if html:
                content["text/html"] = {
                    "schema": {**STRING, "description": "The browsable view (format=api)."}
                }
            headers = response.setdefault("headers", {})
            if self.conditional:
                headers.update(VALIDATOR_HEADERS)
            if self.reads and self._is_list_view():
                headers.update(LIST_HEADERS)
            headers.update(RATE_HEADERS)
        if self.conditional:
            responses["304"] = {
                "description": "Not modified: the ETag sent in If-None-Match (or the date in "
                "If-Modified-Since) is still current. No body; does not count against the "
                "quota.",
                "headers": {**VALIDATOR_HEADERS, **RATE_HEADERS},
            }
        codes = READ_ERRORS + (("412",) if self.conditional else ()) if self.reads else WRITE_ERRORS
        codes += tuple(getattr(self.view, "extra_problem_codes", ()))
        overrides = getattr(self.view, "problem_schemas", {})
        for code in sorted(codes):
            schema, description, headers = ERRORS[code]
            schema = overrides.get(code, schema)
            responses[code] = {
                "description": description,
                "headers": {**headers, **RATE_HEADERS},
                "content": {MEDIA_TYPE: {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
            }
        return dict(sorted(responses.items()))


# The objects a read may trim with ``fields=`` and ``omit=`` (common.api.views.ApiViewSetMixin).
TRIMMABLE_COMPONENTS = (
    "Treaty",
    "TreatyDetail",
    "Participant",
    "Ratification",
    "Statement",
    "Provision",
    "Pillar",
)


def fields_are_optional(result, generator, request, public):
    """Postprocessing hook: the top-level properties of the objects a read answers with are not
    ``required``, since ``fields=`` and ``omit=`` choose which of them an answer carries (each
    property's own schema is unchanged). The write bodies (``*Request``) keep theirs."""
    schemas = result.get("components", {}).get("schemas", {})
    for name in TRIMMABLE_COMPONENTS:
        if name in schemas:
            schemas[name].pop("required", None)
    return result
