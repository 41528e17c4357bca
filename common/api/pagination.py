"""Page-number pagination with a total count, next/previous links (also as a ``Link`` header
and ``X-Total-Count``, so CSV clients get them too) and a bounded page size: asking for more
than the limit is a 400, never silently clamped."""

from django.conf import settings
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination


class BoundedPageNumberPagination(PageNumberPagination):
    page_size = settings.API_PAGE_SIZE
    # The default page of a full-text search (``q``): where the best matches are; None: as above.
    search_page_size = None
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE
    page_query_description = "Page number (from 1)."
    page_size_query_description = (
        f"Rows per page, from 1 to {settings.API_MAX_PAGE_SIZE} (default {settings.API_PAGE_SIZE})."
    )

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param, "").strip()
        if not raw:  # absent or empty: the default
            if self.search_page_size and request.query_params.get("q", "").strip():
                return self.search_page_size
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"'{raw}' is not a valid page size: use a whole number from 1 to "
                        f"{self.max_page_size}."
                    ]
                }
            )
        return size

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param, "").strip()
        if not raw:  # absent or empty: the first page
            return 1
        try:
            number = int(raw)
        except ValueError:
            number = 0
        if number < 1:
            raise ValidationError(
                {self.page_query_param: [f"'{raw}' is not a page number: use 1 or more."]}
            )
        return number

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            pages = self.django_paginator_class(queryset, self.get_page_size(request)).num_pages
            raise NotFound(
                f"There is no page {request.query_params.get(self.page_query_param)}: "
                f"this list has {pages} page(s)."
            ) from None

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response["X-Total-Count"] = str(self.page.paginator.count)
        links = [
            f'<{url}>; rel="{rel}"'
            for rel, url in (("next", self.get_next_link()), ("prev", self.get_previous_link()))
            if url
        ]
        if links:
            response["Link"] = ", ".join(links)
        return response

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": self.page_query_description,
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": self.page_size_query_description,
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        described["required"] = ["count", "next", "previous", "results"]
        properties = described["properties"]
        properties["count"]["description"] = "Total number of rows over all pages."
        properties["next"]["description"] = (
            "The next page, with the same filters (null on the last)."
        )
        properties["previous"]["description"] = (
            "The previous page, with the same filters (null on the first)."
        )
        properties["results"]["description"] = "The rows of this page."
        return described
