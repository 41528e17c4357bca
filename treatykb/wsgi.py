import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "treatykb.settings")
application = get_wsgi_application()

# Garbage collection tuned for a long-lived server process (bench/README.md, "Cold phase").
# The ~150,000 objects made while starting (modules, settings, URL patterns, models) live as
# long as the process; frozen, a full collection no longer walks them, which took 30-70 ms in
# the middle of a request every dozen uncached treaty pages. A page allocates hundreds of
# thousands of objects, so the youngest generation is collected every 20,000 allocations
# rather than 700: the same memory reclaimed, a fraction of the passes.
gc.collect()
gc.freeze()
gc.set_threshold(20_000, 20, 20)
