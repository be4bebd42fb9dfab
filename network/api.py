"""API of the partner network: neighbourhoods, themes and partners under /api/.

Anonymous users read public fields (never contacts or editors); coordinators write within
their own workspace(s), which come from their membership, never from the request body.
Writes go through network.services, the same functions the pages use.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.reverse import reverse

from core.models import Workspace
from core.permissions import coordinator_workspaces
from core.vocab import Domain, HealthDimension
from network.models import Neighbourhood, Partner, Theme, VisitingWindow
from network.services import (
    PARTNER_FIELDS,
    Window,
    create_partner,
    save_neighbourhood,
    save_theme,
    update_partner,
)
from network.views import filter_partners


def _api_error(error: DjangoValidationError) -> ApiValidationError:
    if hasattr(error, "error_dict"):
        return ApiValidationError(error.message_dict)
    return ApiValidationError({"non_field_errors": error.messages})


WORKSPACE_PARAMETER = OpenApiParameter(
    "workspace",
    OpenApiTypes.STR,
    description="Slug of the coordinator's workspace to create in (only needed with several).",
)


def _target_workspace(request) -> Workspace:
    """The workspace a new object goes into: the coordinator's own, never the body's."""
    workspaces = coordinator_workspaces(user=request.user)
    slug = request.query_params.get("workspace")
    if slug:
        workspace = workspaces.filter(slug=slug).first()
        if workspace is None:
            raise ApiValidationError({"workspace": [_("You do not coordinate this workspace.")]})
        return workspace
    own = list(workspaces[:2])
    if not own:
        raise PermissionDenied
    if len(own) > 1:
        raise ApiValidationError(
            {"workspace": [_("You coordinate several workspaces: add ?workspace=<slug>.")]}
        )
    return own[0]


def _check_scope(request, workspace_id: int) -> None:
    if not coordinator_workspaces(user=request.user).filter(pk=workspace_id).exists():
        raise PermissionDenied(_("This belongs to another workspace."))


class ScopedWritesMixin:
    """Refuse writes to another workspace's object before its data is validated, so a foreign
    coordinator learns nothing from validation messages (the object itself is public)."""

    def get_object(self):
        obj = super().get_object()
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):
            _check_scope(self.request, obj.workspace_id)
        return obj


# --- themes --------------------------------------------------------------------------------


class ThemeSerializer(serializers.ModelSerializer):
    dimensions = serializers.ListField(
        child=serializers.ChoiceField(choices=HealthDimension.choices), required=False
    )

    class Meta:
        model = Theme
        fields = ["slug", "name", "name_en", "dimensions"]
        extra_kwargs = {"slug": {"validators": []}}

    def validate_slug(self, value: str) -> str:
        others = Theme.objects.filter(slug=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(_("Another theme already uses this slug."))
        return value

    def create(self, validated_data: dict) -> Theme:
        try:
            return save_theme(fields=validated_data)
        except DjangoValidationError as exc:
            raise _api_error(exc) from exc

    def update(self, instance: Theme, validated_data: dict) -> Theme:
        try:
            return save_theme(theme=instance, fields=validated_data)
        except DjangoValidationError as exc:
            raise _api_error(exc) from exc


class ThemeViewSet(viewsets.ModelViewSet):
    """Themes partners and activities are tagged with (shared by all workspaces)."""

    queryset = Theme.objects.order_by("name")
    serializer_class = ThemeSerializer
    lookup_field = "slug"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    filterset_fields: list[str] = []


# --- neighbourhoods ------------------------------------------------------------------------


class NeighbourhoodSerializer(serializers.ModelSerializer):
    workspace = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    boundary = serializers.JSONField(required=False, allow_null=True)

    class Meta:
        model = Neighbourhood
        fields = [
            "slug",
            "name",
            "municipality",
            "latitude",
            "longitude",
            "boundary",
            "description",
            "workspace",
        ]
        extra_kwargs = {"slug": {"validators": []}}

    def validate_slug(self, value: str) -> str:
        others = Neighbourhood.objects.filter(slug=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(_("Another neighbourhood already uses this slug."))
        return value

    def create(self, validated_data: dict) -> Neighbourhood:
        try:
            return save_neighbourhood(workspace=self.context["workspace"], fields=validated_data)
        except DjangoValidationError as exc:
            raise _api_error(exc) from exc

    def update(self, instance: Neighbourhood, validated_data: dict) -> Neighbourhood:
        try:
            return save_neighbourhood(
                workspace=instance.workspace, neighbourhood=instance, fields=validated_data
            )
        except DjangoValidationError as exc:
            raise _api_error(exc) from exc


@extend_schema_view(create=extend_schema(parameters=[WORKSPACE_PARAMETER]))
class NeighbourhoodViewSet(ScopedWritesMixin, viewsets.ModelViewSet):
    """Neighbourhoods (wijken) with their centre point and optional GeoJSON boundary."""

    queryset = Neighbourhood.objects.select_related("workspace").order_by("name")
    serializer_class = NeighbourhoodSerializer
    lookup_field = "slug"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    filterset_fields: list[str] = []

    def perform_create(self, serializer) -> None:
        serializer.context["workspace"] = _target_workspace(self.request)
        serializer.save()

    def perform_update(self, serializer) -> None:
        _check_scope(self.request, serializer.instance.workspace_id)
        serializer.save()


# --- partners ------------------------------------------------------------------------------


class VisitingWindowSerializer(serializers.ModelSerializer):
    class Meta:
        model = VisitingWindow
        fields = ["weekday", "opens_at", "closes_at"]

    def validate(self, attrs: dict) -> dict:
        if attrs["closes_at"] <= attrs["opens_at"]:
            raise serializers.ValidationError(
                {"closes_at": [_("A visiting window must close after it opens.")]}
            )
        return attrs


class PartnerSerializer(serializers.ModelSerializer):
    """Public fields of a partner. Contacts and editors are deliberately absent."""

    workspace = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    themes = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Theme.objects.all(), required=False
    )
    neighbourhoods = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Neighbourhood.objects.all(), required=False
    )
    visiting_windows = VisitingWindowSerializer(many=True, required=False)
    url = serializers.HyperlinkedIdentityField(
        view_name="partner-detail", lookup_field="slug", read_only=True
    )

    class Meta:
        model = Partner
        fields = [
            "url",
            *PARTNER_FIELDS,
            "workspace",
            "themes",
            "neighbourhoods",
            "visiting_windows",
        ]
        extra_kwargs = {"slug": {"required": False, "validators": []}}

    def to_representation(self, instance: Partner) -> dict:
        """Plain attribute reads instead of DRF's per-field machinery: the list endpoint
        serves hundreds of partners, and every field here is a simple value. Relations come
        from `attach_relations` when the view prepared them, else from the database."""
        relations = (
            getattr(instance, "_api_relations", None) or _relations_of([instance])[instance.pk]
        )
        data = {"url": self._url(instance)}
        for name in PARTNER_FIELDS:
            data[name] = getattr(instance, name)
        data["workspace"] = relations["workspace"]
        data["themes"] = relations["themes"]
        data["neighbourhoods"] = relations["neighbourhoods"]
        data["visiting_windows"] = relations["windows"]
        return data

    def _url(self, instance: Partner) -> str:
        template = self.context.get("_url_template")
        if template is None:
            request = self.context.get("request")
            path = reverse("partner-detail", kwargs={"slug": "__slug__"})
            template = request.build_absolute_uri(path) if request else path
            self.context["_url_template"] = template
        return template.replace("__slug__", instance.slug)

    def validate_slug(self, value: str) -> str:
        others = Partner.objects.filter(slug=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if value and others.exists():
            raise serializers.ValidationError(_("Another partner already uses this slug."))
        return value

    def _split(self, data: dict) -> tuple[dict, dict]:
        relations = {}
        for name, key in (
            ("themes", "themes"),
            ("neighbourhoods", "neighbourhoods"),
            ("visiting_windows", "windows"),
        ):
            if name in data:
                relations[key] = data.pop(name)
        if "windows" in relations:
            relations["windows"] = [Window(**w) for w in relations["windows"]]
        return data, relations

    def create(self, validated_data: dict) -> Partner:
        fields, relations = self._split(validated_data)
        try:
            return create_partner(workspace=self.context["workspace"], fields=fields, **relations)
        except DjangoValidationError as exc:
            raise _api_error(exc) from exc

    def update(self, instance: Partner, validated_data: dict) -> Partner:
        fields, relations = self._split(validated_data)
        try:
            return update_partner(partner=instance, fields=fields, **relations)
        except DjangoValidationError as exc:
            raise _api_error(exc) from exc


def _column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _relations_sql(count: int) -> str:
    """Themes, neighbourhoods, visiting windows and workspace of `count` partners in one
    UNION ALL (the same number of parameters in each IN list)."""
    marks = ", ".join(["%s"] * count)
    themes, hoods = Partner.themes.through, Partner.neighbourhoods.through
    none_int, none_time = "CAST(NULL AS integer)", "CAST(NULL AS time)"
    return (
        f"SELECT l.{_column(themes, 'partner')}, 't', t.{_column(Theme, 'slug')}, "
        f"{none_int}, {none_time}, {none_time} "
        f"FROM {_table(themes)} l JOIN {_table(Theme)} t ON t.{_column(Theme, 'id')} = "
        f"l.{_column(themes, 'theme')} WHERE l.{_column(themes, 'partner')} IN ({marks}) "
        f"UNION ALL SELECT l.{_column(hoods, 'partner')}, 'n', n.{_column(Neighbourhood, 'slug')}, "
        f"NULL, NULL, NULL FROM {_table(hoods)} l JOIN {_table(Neighbourhood)} n "
        f"ON n.{_column(Neighbourhood, 'id')} = l.{_column(hoods, 'neighbourhood')} "
        f"WHERE l.{_column(hoods, 'partner')} IN ({marks}) "
        f"UNION ALL SELECT {_column(VisitingWindow, 'partner')}, 'w', NULL, "
        f"{_column(VisitingWindow, 'weekday')}, {_column(VisitingWindow, 'opens_at')}, "
        f"{_column(VisitingWindow, 'closes_at')} FROM {_table(VisitingWindow)} "
        f"WHERE {_column(VisitingWindow, 'partner')} IN ({marks}) "
        f"UNION ALL SELECT {_column(Workspace, 'id')}, 's', {_column(Workspace, 'slug')}, "
        f"NULL, NULL, NULL FROM {_table(Workspace)} WHERE {_column(Workspace, 'id')} IN ({marks})"
    )


def _time_text(value) -> str:
    # PostgreSQL gives datetime.time, SQLite the stored ISO text.
    return value.isoformat() if hasattr(value, "isoformat") else value


def _relations_of(partners: list[Partner]) -> dict[int, dict]:
    """Theme and neighbourhood slugs, visiting windows and the workspace slug per partner, in
    one query. Written as SQL: building the same UNION ALL with the ORM (four querysets of
    50 ids each) cost 2.8 ms of CPU per page against 0.3 ms for running it, more than the
    whole trivial DRF list; tests/network/test_api.py checks the result on both databases."""
    ids = [p.pk for p in partners]
    workspace_ids = sorted({p.workspace_id for p in partners})
    # One marker list for all four: pad the workspace ids to the partners' count.
    padded = (workspace_ids * len(ids))[: len(ids)]
    with connection.cursor() as cursor:
        cursor.execute(_relations_sql(len(ids)), [*ids, *ids, *ids, *padded])
        rows = cursor.fetchall()
    relations = {p.pk: {"themes": [], "neighbourhoods": [], "windows": []} for p in partners}
    windows: dict[int, list[tuple[int, str, str]]] = {}
    workspaces: dict[int, str] = {}
    for key, kind, slug, weekday, opens, closes in rows:
        if kind == "t":
            relations[key]["themes"].append(slug)
        elif kind == "n":
            relations[key]["neighbourhoods"].append(slug)
        elif kind == "w":
            windows.setdefault(key, []).append((weekday, _time_text(opens), _time_text(closes)))
        else:
            workspaces[key] = slug
    for partner in partners:
        found = relations[partner.pk]
        found["themes"].sort()
        found["neighbourhoods"].sort()
        found["windows"] = [
            {"weekday": weekday, "opens_at": opens, "closes_at": closes}
            for weekday, opens, closes in sorted(windows.get(partner.pk, []))
        ]
        found["workspace"] = workspaces[partner.workspace_id]
    return relations


def attach_relations(partners: list[Partner]) -> list[Partner]:
    relations = _relations_of(partners) if partners else {}
    for partner in partners:
        partner._api_relations = relations[partner.pk]
    return partners


class PartnerFilter(filters.FilterSet):
    """Unknown slugs match nothing; a domain or flag outside its choices is a 400."""

    neighbourhood = filters.CharFilter(
        field_name="neighbourhoods__slug", help_text="Neighbourhood slug"
    )
    theme = filters.CharFilter(field_name="themes__slug", help_text="Theme slug")
    domain = filters.ChoiceFilter(choices=Domain.choices)
    search = filters.CharFilter(method="filter_search", help_text="Text in name or descriptions")
    active = filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_active"
    )

    class Meta:
        model = Partner
        fields = ["neighbourhood", "theme", "domain", "search", "active"]

    def filter_active(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(is_active=value == "true")

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return filter_partners(queryset, q=value.strip())


@extend_schema_view(create=extend_schema(parameters=[WORKSPACE_PARAMETER]))
class PartnerViewSet(ScopedWritesMixin, viewsets.ModelViewSet):
    """Partners of the sociale kaart. Inactive partners are visible to their coordinators
    only; deactivate by PATCHing `is_active: false`."""

    serializer_class = PartnerSerializer
    filterset_class = PartnerFilter
    lookup_field = "slug"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Partner]:
        visible = Q(is_active=True)
        if self.request.user.is_authenticated:
            visible |= Q(workspace__in=coordinator_workspaces(user=self.request.user))
        # No distinct() needed: the slug filters match at most one theme/neighbourhood each.
        partners = Partner.objects.filter(visible).order_by("name", "pk")
        if self.action == "list":
            # A page reads only the serialised columns; the workspaces' slugs come with the
            # relations (attach_relations): joining them in made SQLite sort the joined table.
            return partners.only("pk", "workspace_id", *PARTNER_FIELDS)
        return partners.select_related("workspace")

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # Without any filter in the query string the FilterSet changes nothing, but building
        # and validating it was a tenth of a page's time.
        if not any(name in self.request.query_params for name in PartnerFilter.base_filters):
            return queryset
        return super().filter_queryset(queryset)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return attach_relations(list(page)) if page is not None else None

    def perform_create(self, serializer) -> None:
        workspace = _target_workspace(self.request)
        foreign = [
            n.slug
            for n in serializer.validated_data.get("neighbourhoods", [])
            if n.workspace_id != workspace.pk
        ]
        if foreign:
            raise ApiValidationError(
                {"neighbourhoods": [_("Not a neighbourhood of your workspace: %s") % foreign[0]]}
            )
        serializer.context["workspace"] = workspace
        serializer.save()

    def perform_update(self, serializer) -> None:
        _check_scope(self.request, serializer.instance.workspace_id)
        serializer.save()


ROUTES: list = [
    ("neighbourhoods", NeighbourhoodViewSet, "neighbourhood"),
    ("themes", ThemeViewSet, "theme"),
    ("partners", PartnerViewSet, "partner"),
]
urlpatterns: list = []
