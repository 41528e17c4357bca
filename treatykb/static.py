"""Static files, served by WhiteNoise from the app servers (no CDN).

In production ``collectstatic`` writes compressed copies with content-hashed names
(``CompressedManifestStaticFilesStorage``, see ``STORAGES``); a hashed file never changes, so it
is served with ``Cache-Control: max-age=31536000, public, immutable``: a year, the longest
lifetime HTTP/1.1 recommends (WhiteNoise's own default is ten). Unhashed names (in development)
keep WhiteNoise's short ``max-age``.
"""

from whitenoise.middleware import WhiteNoiseMiddleware

ONE_YEAR = 365 * 24 * 60 * 60


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    FOREVER = ONE_YEAR
