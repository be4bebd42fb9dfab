"""The HSDS 3.0 API under /api/hsds/, following Open Referral's OpenAPI: `/`, services,
organizations, service_at_locations, taxonomies and taxonomy_terms, paginated as HSDS says
(total_items, total_pages, page_number, size, first_page, last_page, empty, contents).

Public and read-only: only active partners and public contacts. Unknown query parameters are
ignored; malformed ones (page, per_page, modified_after) answer 400 with a JSON message per
parameter. Everything goes through opendata.services, the same functions the export uses.
"""

from __future__ import annotations

from django.urls import re_path
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from network.models import Partner
from opendata import hsds
from opendata.services import (
    HsdsQueryError,
    attach_relations,
    build_organization_record,
    build_service_record,
    build_taxonomy_documents,
    filter_published,
    load_ids,
    page_of_partners,
    parse_paging,
    published_partners,
    resolve_partner_id,
)

TAGS = ["HSDS open data"]
PAGING = [
    OpenApiParameter("page", OpenApiTypes.INT, description="Page number, from 1."),
    OpenApiParameter("per_page", OpenApiTypes.INT, description="Results per page (max 200)."),
]
SERVICE_FILTERS = [
    OpenApiParameter("search", OpenApiTypes.STR, description="Full text search."),
    OpenApiParameter("taxonomy_term_id", OpenApiTypes.UUID),
    OpenApiParameter("taxonomy_id", OpenApiTypes.UUID),
    OpenApiParameter("organization_id", OpenApiTypes.UUID),
    OpenApiParameter("modified_after", OpenApiTypes.DATETIME),
    OpenApiParameter("full", OpenApiTypes.BOOL, description="Fully nested records."),
    OpenApiParameter(
        "neighbourhood", OpenApiTypes.STR, description="Neighbourhood slug or CBS wijk/buurt code."
    ),
    OpenApiParameter("theme", OpenApiTypes.STR, description="Theme slug."),
    OpenApiParameter("workspace", OpenApiTypes.STR, description="Workspace slug."),
]
PAGE_SCHEMA = {
    "type": "object",
    "properties": {
        "total_items": {"type": "integer"},
        "total_pages": {"type": "integer"},
        "page_number": {"type": "integer"},
        "size": {"type": "integer"},
        "first_page": {"type": "boolean"},
        "last_page": {"type": "boolean"},
        "empty": {"type": "boolean"},
        "contents": {"type": "array", "items": {"type": "object"}},
    },
}
ERROR_RESPONSE = OpenApiResponse(description="A malformed parameter, with a message per name.")
NOT_FOUND = OpenApiResponse(description="No published record has this id.")


def _truthy(value: str | None) -> bool:
    return (value or "").lower() in {"1", "true", "yes"}


class HsdsView(APIView):
    permission_classes = [AllowAny]
    # Public, read-only and cookie-free: no session or CSRF work on every request.
    authentication_classes: list = []

    def handle_exception(self, exc):
        if isinstance(exc, HsdsQueryError):
            return Response({"detail": "Invalid query parameters.", "errors": exc.errors}, 400)
        return super().handle_exception(exc)

    def dispatch(self, request, *args, **kwargs):
        # HSDS records are published in Dutch whatever the visitor's language.
        with translation.override("nl"):
            return super().dispatch(request, *args, **kwargs)


def _not_found() -> Response:
    return Response({"detail": "Not found."}, status=404)


def _partners(request: Request):
    params = request.query_params
    return filter_published(
        published_partners(),
        search=params.get("search", ""),
        workspace=params.get("workspace", ""),
        neighbourhood=params.get("neighbourhood", ""),
        theme=params.get("theme", ""),
        taxonomy_term_id=params.get("taxonomy_term_id", ""),
        taxonomy_id=params.get("taxonomy_id", ""),
        organization_id=params.get("organization_id", ""),
        modified_after=params.get("modified_after", ""),
    )


def _partner_page(request: Request, build, *, contacts: bool = True) -> Response:
    page_number, per_page = parse_paging(request.query_params)
    rows, total, ids = page_of_partners(
        _partners(request), page_number=page_number, per_page=per_page, contacts=contacts
    )
    items = [build(partner, ids[partner.workspace_id]) for partner in rows]
    return Response(hsds.page(items=items, total=total, page_number=page_number, per_page=per_page))


def _one_partner(hsds_id: str, kinds: list[str]) -> tuple[Partner, hsds.Ids] | None:
    pk = resolve_partner_id(hsds_id=hsds_id, kinds=kinds)
    partner = published_partners().filter(pk=pk).first() if pk else None
    if partner is None:
        return None
    attach_relations([partner])
    return partner, load_ids(workspaces=[partner.workspace])[partner.workspace_id]


class RootView(HsdsView):
    @extend_schema(
        tags=TAGS,
        operation_id="getAPIMetaInformation",
        summary="Information about this API and its relationship with HSDS.",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "version": hsds.HSDS_VERSION,
                "profile": hsds.PROFILE_URI,
                "openapi_url": reverse("schema", request=request),
            }
        )


class ServiceListView(HsdsView):
    @extend_schema(
        tags=TAGS,
        operation_id="getPaginatedListOfServices",
        summary="Paginated services (one per partner).",
        parameters=PAGING + SERVICE_FILTERS,
        responses={200: PAGE_SCHEMA, 400: ERROR_RESPONSE},
    )
    def get(self, request: Request) -> Response:
        nested = _truthy(request.query_params.get("full"))
        return _partner_page(
            request,
            lambda p, ids: build_service_record(partner=p, ids=ids, nested=nested),
            contacts=nested,
        )


class ServiceDetailView(HsdsView):
    @extend_schema(
        tags=TAGS,
        operation_id="getFullyNestedServiceById",
        summary="A fully nested service.",
        responses={200: OpenApiTypes.OBJECT, 404: NOT_FOUND},
    )
    def get(self, request: Request, hsds_id: str) -> Response:
        found = _one_partner(hsds_id, ["service"])
        if found is None:
            return _not_found()
        return Response(build_service_record(partner=found[0], ids=found[1], nested=True))


def _nested_organization(partner: Partner, ids: hsds.Ids, full_service: bool) -> dict:
    organization = build_organization_record(partner=partner, ids=ids)
    organization["locations"] = [hsds.build_location(partner=partner, ids=ids)]
    service = build_service_record(partner=partner, ids=ids, nested=False)
    organization["services"] = [service if full_service else {"id": service["id"]}]
    return organization


class OrganizationListView(HsdsView):
    @extend_schema(
        tags=TAGS,
        operation_id="getPaginatedListOfOrganizations",
        summary="Paginated organizations.",
        parameters=[
            *PAGING,
            *SERVICE_FILTERS,
            OpenApiParameter("full_service", OpenApiTypes.BOOL),
        ],
        responses={200: PAGE_SCHEMA, 400: ERROR_RESPONSE},
    )
    def get(self, request: Request) -> Response:
        full = _truthy(request.query_params.get("full"))
        full_service = _truthy(request.query_params.get("full_service"))

        def build(partner, ids):
            if full or full_service:
                return _nested_organization(partner, ids, full_service)
            return build_organization_record(partner=partner, ids=ids)

        return _partner_page(request, build)


class OrganizationDetailView(HsdsView):
    @extend_schema(
        tags=TAGS,
        operation_id="getOrganizationById",
        summary="A fully nested organization with its services.",
        parameters=[OpenApiParameter("full_service", OpenApiTypes.BOOL)],
        responses={200: OpenApiTypes.OBJECT, 404: NOT_FOUND},
    )
    def get(self, request: Request, hsds_id: str) -> Response:
        found = _one_partner(hsds_id, ["organization"])
        if found is None:
            return _not_found()
        full_service = _truthy(request.query_params.get("full_service"))
        return Response(_nested_organization(found[0], found[1], full_service))


def _service_at_location(partner: Partner, ids: hsds.Ids, full: bool) -> dict:
    record = hsds.build_service_at_location(partner=partner, ids=ids)
    if full:
        record["location"] = hsds.build_location(partner=partner, ids=ids)
        record["schedules"] = []
    return record


class ServiceAtLocationListView(HsdsView):
    @extend_schema(
        tags=TAGS,
        operation_id="getPaginatedListOfServiceAtLocation",
        summary="Paginated service_at_locations.",
        parameters=PAGING + SERVICE_FILTERS,
        responses={200: PAGE_SCHEMA, 400: ERROR_RESPONSE},
    )
    def get(self, request: Request) -> Response:
        full = _truthy(request.query_params.get("full"))
        return _partner_page(
            request, lambda p, ids: _service_at_location(p, ids, full), contacts=False
        )


class ServiceAtLocationDetailView(HsdsView):
    @extend_schema(
        tags=TAGS,
        operation_id="getServiceAtLocationWithNestedDataById",
        summary="A fully nested service_at_location.",
        responses={200: OpenApiTypes.OBJECT, 404: NOT_FOUND},
    )
    def get(self, request: Request, hsds_id: str) -> Response:
        found = _one_partner(hsds_id, ["service_at_location"])
        if found is None:
            return _not_found()
        return Response(_service_at_location(found[0], found[1], True))


def _taxonomy_page(request: Request, which: int) -> Response:
    page_number, per_page = parse_paging(request.query_params)
    documents = build_taxonomy_documents(ids=hsds.Ids(workspace_slug=""))[which]
    params = request.query_params
    if which == 1:
        if params.get("taxonomy_id"):
            documents = [t for t in documents if t["taxonomy_id"] == params["taxonomy_id"]]
        if params.get("parent_id"):
            documents = [t for t in documents if t.get("parent_id") == params["parent_id"]]
    search = params.get("search", "").lower()
    if search:
        documents = [d for d in documents if search in d["name"].lower()]
    start = (page_number - 1) * per_page
    items = documents[start : start + per_page]
    return Response(
        hsds.page(items=items, total=len(documents), page_number=page_number, per_page=per_page)
    )


def _taxonomy_detail(which: int, hsds_id: str) -> Response:
    documents = build_taxonomy_documents(ids=hsds.Ids(workspace_slug=""))[which]
    for document in documents:
        if document["id"] == hsds_id:
            return Response(document)
    return _not_found()


TAXONOMY_PARAMETERS = [*PAGING, OpenApiParameter("search", OpenApiTypes.STR)]


class TaxonomyListView(HsdsView):
    @extend_schema(
        tags=TAGS,
        operation_id="getPaginatedListOfTaxonomies",
        summary="Paginated taxonomies: Wijktour themes and domains.",
        parameters=TAXONOMY_PARAMETERS,
        responses={200: PAGE_SCHEMA, 400: ERROR_RESPONSE},
    )
    def get(self, request: Request) -> Response:
        return _taxonomy_page(request, 0)


class TaxonomyDetailView(HsdsView):
    @extend_schema(
        tags=TAGS,
        operation_id="getTaxonomyById",
        responses={200: OpenApiTypes.OBJECT, 404: NOT_FOUND},
    )
    def get(self, request: Request, hsds_id: str) -> Response:
        return _taxonomy_detail(0, hsds_id)


class TaxonomyTermListView(HsdsView):
    @extend_schema(
        tags=TAGS,
        operation_id="getPaginatedListOfTaxonomyTerms",
        summary="Paginated taxonomy terms.",
        parameters=[
            *TAXONOMY_PARAMETERS,
            OpenApiParameter("taxonomy_id", OpenApiTypes.UUID),
            OpenApiParameter("parent_id", OpenApiTypes.UUID),
        ],
        responses={200: PAGE_SCHEMA, 400: ERROR_RESPONSE},
    )
    def get(self, request: Request) -> Response:
        return _taxonomy_page(request, 1)


class TaxonomyTermDetailView(HsdsView):
    @extend_schema(
        tags=TAGS,
        operation_id="getTaxonomyTermById",
        responses={200: OpenApiTypes.OBJECT, 404: NOT_FOUND},
    )
    def get(self, request: Request, hsds_id: str) -> Response:
        return _taxonomy_detail(1, hsds_id)


# HSDS paths have no trailing slash; both forms answer.
urlpatterns = [
    re_path(r"^hsds/?$", RootView.as_view(), name="hsds-root"),
    re_path(r"^hsds/services/?$", ServiceListView.as_view(), name="hsds-services"),
    re_path(
        r"^hsds/services/(?P<hsds_id>[^/]+)/?$",
        ServiceDetailView.as_view(),
        name="hsds-service",
    ),
    re_path(r"^hsds/organizations/?$", OrganizationListView.as_view(), name="hsds-organizations"),
    re_path(
        r"^hsds/organizations/(?P<hsds_id>[^/]+)/?$",
        OrganizationDetailView.as_view(),
        name="hsds-organization",
    ),
    re_path(
        r"^hsds/service_at_locations/?$",
        ServiceAtLocationListView.as_view(),
        name="hsds-service-at-locations",
    ),
    re_path(
        r"^hsds/service_at_locations/(?P<hsds_id>[^/]+)/?$",
        ServiceAtLocationDetailView.as_view(),
        name="hsds-service-at-location",
    ),
    re_path(r"^hsds/taxonomies/?$", TaxonomyListView.as_view(), name="hsds-taxonomies"),
    re_path(
        r"^hsds/taxonomies/(?P<hsds_id>[^/]+)/?$",
        TaxonomyDetailView.as_view(),
        name="hsds-taxonomy",
    ),
    re_path(r"^hsds/taxonomy_terms/?$", TaxonomyTermListView.as_view(), name="hsds-taxonomy-terms"),
    re_path(
        r"^hsds/taxonomy_terms/(?P<hsds_id>[^/]+)/?$",
        TaxonomyTermDetailView.as_view(),
        name="hsds-taxonomy-term",
    ),
]
