"""Errors as the API promises them: every error a problem document (RFC 9457,
``common.api.problems``), a 400 with field messages (``errors``) for any invalid input, never a
500 for a constraint the database would enforce."""

import math

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from rest_framework import exceptions

from .problems import problem_response


def field_messages(detail, prefix=""):
    """DRF's error detail as ``{"name": ["message", ...]}``, nested fields named by their path
    (``statements.0.text``)."""
    if isinstance(detail, dict):
        found = {}
        for key, value in detail.items():
            found.update(field_messages(value, f"{prefix}.{key}" if prefix else str(key)))
        return found
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        found = {}
        for index, item in enumerate(detail):
            if item:
                found.update(field_messages(item, f"{prefix}.{index}" if prefix else str(index)))
        return found
    items = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(item) for item in items]}


def summary(errors):
    names = ", ".join(errors)
    if len(errors) == 1:
        return f"The request is invalid: see the message for {names} in 'errors'."
    return f"The request is invalid: see the messages for {names} in 'errors'."


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
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(*(exc.args or ()))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*(exc.args or ()))
    if not isinstance(exc, exceptions.APIException):
        return None  # a server error: Django's handler, made a problem by ProblemMiddleware
    request = context["request"]
    headers = {}
    if isinstance(exc, exceptions.ValidationError | exceptions.ParseError):
        key = "body" if isinstance(exc, exceptions.ParseError) else ""
        errors = field_messages(exc.detail, key)
        status = exc.status_code  # 400, or a subclass's own (the change feed's 410)
        response = problem_response(
            request, status, summary(errors), errors=errors, headers=headers
        )
    else:
        status = exc.status_code  # DRF made an unauthenticated answer 403 if no scheme fits
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None) is not None:
            headers["Retry-After"] = str(max(1, math.ceil(exc.wait)))
        detail = (
            exc.detail
            if isinstance(exc.detail, str)
            else " ".join(
                field_messages(exc.detail).get("non_field_errors", []) or [str(exc.detail)]
            )
        )
        response = problem_response(request, status, detail, headers=headers)
    etag = getattr(exc, "etag", None)  # a 412 names the record's current version
    if etag:
        response["ETag"] = etag
    return response
