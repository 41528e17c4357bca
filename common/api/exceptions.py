"""Errors as the API promises them: a 400 with field messages for any invalid input, never a
500 for a constraint the database would enforce."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = exc.message_dict
        else:
            detail = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, IntegrityError):
        exc = exceptions.ValidationError(
            {"non_field_errors": ["The change conflicts with an existing record or a rule."]}
        )
    response = drf_exception_handler(exc, context)
    etag = getattr(exc, "etag", None)  # a 412 names the record's current version
    if response is not None and etag:
        response["ETag"] = etag
    return response
