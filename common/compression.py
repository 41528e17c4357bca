"""Answers compressed for the wire: every public HTML page, JSON, CSV and Atom answer is sent
gzipped to clients that accept it (Django's GZipMiddleware, with ``Vary: Accept-Encoding``).

Never compressed, against BREACH (a secret in a compressed page can be guessed from its size):
the admin and every answer to a signed-in user (forms carry CSRF tokens), and answers that set
a cookie. Django's gzip also pads each compressed body with random bytes ("Heal The Breach").

A page or an API answer kept whole in the cache (``common.caching``) keeps its gzipped body
beside it, made once when the first client that accepts gzip asks for it, and is replayed to
every later one without being compressed again (``precompressed``). Its random padding is then
the same on every replay; those are anonymous public answers, with no secret to guess.

ETags: GZipMiddleware marks the ETag of a compressed answer weak (``W/"…"``), which conditional
GETs match as before (a 304 compares weakly). The detail of a record that can be written is sent
uncompressed with its strong ETag, which ``If-Match`` needs (common/api/conditional.py).
"""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string


class CompressionMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if not may_compress(request, response):
            return response
        precompressed = getattr(response, "precompressed", None)
        if precompressed is None or response.has_header("Content-Encoding"):
            response = super().process_response(request, response)
            keep = getattr(response, "keep_precompressed", None)
            if keep is not None and response.get("Content-Encoding") == "gzip":
                keep(response.content)
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not accepts_gzip(request):
            return response
        response.content = precompressed
        response.headers["Content-Length"] = str(len(precompressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "gzip"
        return response


def accepts_gzip(request):
    return bool(re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def precompress(response):
    """The gzipped body of ``response`` as this middleware would send it (None where it would
    send it uncompressed: too short, or no shorter compressed), set as its ``precompressed``."""
    content = response.content
    gzipped = None
    if len(content) >= 200:
        gzipped = compress_string(content, max_random_bytes=CompressionMiddleware.max_random_bytes)
        if len(gzipped) >= len(content):
            gzipped = None
    response.precompressed = gzipped
    return gzipped


def may_compress(request, response):
    user = getattr(request, "user", None)
    return not (
        request.path.startswith("/" + settings.ADMIN_URL)
        or (user is not None and user.is_authenticated)
        or response.cookies
        or getattr(response, "keep_strong_etag", False)
    )
