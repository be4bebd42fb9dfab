"""Every coordinator page and every API route, read from the URL resolver so that a new route
is covered by the permission matrix the day it is added."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    path: str  # the pattern as written, e.g. "manage/tours/<int:pk>/"
    name: str  # namespaced url name
    kwargs: tuple[str, ...]


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            child_namespace = namespace
            if pattern.namespace:
                child_namespace = f"{namespace}{pattern.namespace}:"
            yield from _walk(pattern, prefix + str(pattern.pattern), child_namespace)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespace + (pattern.name or ""), pattern


def manage_routes() -> list[Route]:
    routes = []
    for path, name, pattern in _walk(get_resolver()):
        if path.startswith("manage/"):
            kwargs = (
                tuple(pattern.pattern.converters) if hasattr(pattern.pattern, "converters") else ()
            )
            routes.append(Route(path=path, name=name, kwargs=kwargs))
    return routes


def api_routes() -> list[Route]:
    """Router and extra API routes, without format-suffix duplicates, schema and docs."""
    routes = []
    for path, name, pattern in _walk(get_resolver()):
        if not path.startswith("api/") or "format" in path or name in ("schema", "api-docs"):
            continue
        kwargs = tuple(pattern.pattern.regex.groupindex)
        routes.append(Route(path=path, name=name, kwargs=kwargs))
    return routes
