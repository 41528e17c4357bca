"""Benchmark instrumentation, active only under ``bench.settings`` (see bench/README.md).

- ``QueryCountMiddleware`` adds ``X-Query-Count``: the database queries the request ran (counted
  with an execute wrapper; nothing is stored, so the cost is a function call per query).
- ``floor``: a constant response through the same middleware, the benchmark's floor: what the
  server, the WSGI stack and the middleware cost with no view work at all.

Never enabled in normal production: the setting is off unless the environment turns it on.
"""

from django.db import connections
from django.http import HttpResponse


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = QueryCounter()
        wrappers = [connections[alias].execute_wrapper(counter) for alias in connections]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response["X-Query-Count"] = str(counter.count)
        return response


def floor(request):
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
