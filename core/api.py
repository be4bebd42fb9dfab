"""Shared API plumbing: pagination and the default permission."""

from rest_framework import permissions
from rest_framework.pagination import PageNumberPagination

from core.permissions import is_coordinator


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class ReadOnlyOrCoordinator(permissions.BasePermission):
    """Anyone reads public data; only coordinators write. Object scope is checked per view."""

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return is_coordinator(user=request.user)
