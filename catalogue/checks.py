"""Every data-integrity finding, on the records and on the articles: ``manage.py check_data``
and the data-quality page."""

import itertools

from provisions import checks as article_checks
from treaties import checks as record_checks
from treaties.checks import ERROR, WARNING, Finding

__all__ = ["ERROR", "WARNING", "Finding", "findings"]


def findings():
    return itertools.chain(record_checks.findings(), article_checks.findings())
