"""Who may do what through the API: anyone may read; writing needs the model permission."""

from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissionsOrAnonReadOnly


class ReadOrModelPermissions(DjangoModelPermissionsOrAnonReadOnly):
    """``DjangoModelPermissionsOrAnonReadOnly`` without its cost on reads: a GET, HEAD or
    OPTIONS is allowed to anyone (as that class allows it, since reading needs no permission),
    answered before the view's queryset is built only to find its model. Conditional requests
    answered 304 build no queryset at all (bench/README.md)."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().has_permission(request, view)
