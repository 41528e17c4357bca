from django.conf import settings

from common.api.pagination import BoundedPageNumberPagination


class ProvisionPagination(BoundedPageNumberPagination):
    """Provisions: a full-text search (``q``) comes 20 results a page by default, best first
    (every article's text is in its row); ``page_size`` still goes up to the maximum."""

    search_page_size = 20
    page_size_query_description = (
        f"Rows per page, from 1 to {settings.API_MAX_PAGE_SIZE} (default "
        f"{settings.API_PAGE_SIZE}; 20 with q)."
    )
