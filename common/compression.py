"""Answers compressed for the wire: every public HTML page, JSON, CSV and Atom answer is sent
gzipped to clients that accept it (Django's GZipMiddleware, with ``Vary: Accept-Encoding``).

Never compressed, against BREACH (a secret in a compressed page can be guessed from its size):
the admin and every answer to a signed-in user (forms carry CSRF tokens), and answers that set
a cookie. Django's gzip also pads each compressed body with random bytes ("Heal The Breach").

ETags: GZipMiddleware marks the ETag of a compressed answer weak (``W/"…"``), which conditional
GETs match as before (a 304 compares weakly). The detail of a record that can be written is sent
uncompressed with its strong ETag, which ``If-Match`` needs (common/api/conditional.py).
"""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware


class CompressionMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if not may_compress(request, response):
            return response
        return super().process_response(request, response)


def may_compress(request, response):
    user = getattr(request, "user", None)
    return not (
        request.path.startswith("/" + settings.ADMIN_URL)
        or (user is not None and user.is_authenticated)
        or response.cookies
        or getattr(response, "keep_strong_etag", False)
    )
