import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "treatykb.settings")
application = get_wsgi_application()

# The URL configuration (and with it every view, serializer and filter module) is imported now,
# while the worker starts, not by its first request (a third of a second: make bench's cold
# phase saw each worker's first page take 330 ms more than the next).
import_module(settings.ROOT_URLCONF)

# Garbage collection tuned for a long-lived server process (bench/README.md, "Cold phase").
# The objects made while starting (modules, settings, URL patterns, models) live as
# long as the process; frozen, a full collection no longer walks them, which took 30-70 ms in
# the middle of a request every dozen uncached treaty pages. A page allocates hundreds of
# thousands of objects, so the youngest generation is collected every 20,000 allocations
# rather than 700: the same memory reclaimed, a fraction of the passes.
gc.collect()
gc.freeze()
gc.set_threshold(20_000, 20, 20)
