"""API: tours with their stops (`/api/tours/`, public read of published tours, coordinators
write in their own workspaces), composing a tour, and the stateless planner
`POST /api/routes/plan/`."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accreditation.api import AccreditationSerializer
from accreditation.selectors import public_accreditations
from activities.models import Activity
from changes import services as change_services
from changes.api import (
    ChangeSerializer,
    ConfirmationRequired,
    EditConflictError,
    PreviewSerializer,
    ReasonSerializer,
)
from core.permissions import can_coordinate, coordinator_workspaces
from core.validators import validate_latitude, validate_longitude
from network.models import Neighbourhood, Partner, Theme
from tours import planning, services
from tours.models import Stop, Tour

# --- tours -----------------------------------------------------------------------------------


class StopSerializer(serializers.ModelSerializer):
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    latitude = serializers.FloatField(source="partner.latitude", read_only=True)
    longitude = serializers.FloatField(source="partner.longitude", read_only=True)
    address = serializers.SerializerMethodField()
    referral_info = serializers.CharField(source="partner.referral_info", read_only=True)

    class Meta:
        model = Stop
        fields = [
            "id",
            "position",
            "partner",
            "partner_name",
            "address",
            "latitude",
            "longitude",
            "referral_info",
            "visit_minutes",
            "arrives_at",
            "departs_at",
            "distance_from_previous_m",
            "travel_from_previous_s",
            "window_violation",
            "programme",
        ]
        read_only_fields = fields

    def get_address(self, stop: Stop) -> str:
        return f"{stop.partner.address}, {stop.partner.city}"


class ProblemSerializer(serializers.Serializer):
    stop = serializers.IntegerField(allow_null=True, help_text="Null: about the whole tour.")
    kind = serializers.CharField(
        help_text="unreachable (no street the group can ride within ROUTING_MAX_SNAP_METRES), "
        "disconnected (near a street, but not connected there and back), "
        "closed_day, closes_before_arrival, departs_after_close, conflicts_with_other_stops, "
        "visit_longer_than_window, no_time_to_finish, finishes_after_latest_end, "
        "left_out_by_search."
    )
    message = serializers.CharField(help_text="In the request's language.")
    point = serializers.ChoiceField(
        choices=["start", "end"],
        allow_null=True,
        required=False,
        help_text="Set when the problem concerns the meeting point or the end.",
    )
    distance_m = serializers.IntegerField(
        allow_null=True,
        required=False,
        help_text="unreachable: metres to the nearest street the group can ride.",
    )


class InstructionSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="Valhalla's turn instruction in the request's language.")
    streets = serializers.ListField(child=serializers.CharField())
    distance_m = serializers.IntegerField(help_text="Until the next instruction.")
    duration_s = serializers.IntegerField()
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    walking = serializers.BooleanField(help_text="The group walks the bike on this stretch.")
    kind = serializers.IntegerField(
        help_text="Valhalla's maneuver type, e.g. 4–6 arrival, 10 right, 15 left."
    )


class LegSerializer(serializers.Serializer):
    distance_m = serializers.IntegerField()
    duration_s = serializers.IntegerField()
    instructions = InstructionSerializer(
        many=True, help_text="Turn by turn along the streets; empty for the estimate."
    )


class TourSerializer(serializers.ModelSerializer):
    neighbourhood = serializers.PrimaryKeyRelatedField(queryset=Neighbourhood.objects.all())
    themes = serializers.PrimaryKeyRelatedField(
        queryset=Theme.objects.all(), many=True, required=False
    )
    venue_partner = serializers.PrimaryKeyRelatedField(
        queryset=Partner.objects.all(), required=False, allow_null=True
    )
    end_partner = serializers.PrimaryKeyRelatedField(
        queryset=Partner.objects.all(), required=False, allow_null=True
    )
    stops = StopSerializer(many=True, read_only=True)
    partner_ids = serializers.ListField(
        child=serializers.IntegerField(),
        write_only=True,
        required=False,
        max_length=services.MAX_STOPS,
        help_text="Partners to visit; the route is composed on save.",
    )
    problems = serializers.SerializerMethodField()
    legs = serializers.SerializerMethodField(
        help_text="start → first stop, …, last stop → end, with turn instructions in the "
        "request's language; empty for the estimate."
    )
    url = serializers.SerializerMethodField()
    gpx_url = serializers.SerializerMethodField()
    version = serializers.CharField(
        required=False,
        help_text="Read: the tour's version. Write it back on PATCH/PUT: if someone else saved "
        "in between, the answer is 409 and nothing is saved.",
    )
    confirm = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="A published tour: a change that moves its time, place or stops answers 409 "
        "with a `preview` of who is notified, and saves nothing, unless this is true. "
        "POST /api/tours/{id}/preview/ asks the same without trying.",
    )
    accreditations = AccreditationSerializer(many=True, read_only=True)

    class Meta:
        model = Tour
        fields = [
            "id",
            "title",
            "description",
            "neighbourhood",
            "themes",
            "starts_at",
            "ends_at",
            "venue_partner",
            "venue_name",
            "venue_address",
            "latitude",
            "longitude",
            "end_partner",
            "end_name",
            "end_address",
            "end_latitude",
            "end_longitude",
            "capacity",
            "registration_deadline",
            "rental_bikes_available",
            "ebikes_available",
            "what_to_bring",
            "bad_weather_rule",
            "leg_buffer_minutes",
            "manual_order",
            "status",
            "total_distance_m",
            "total_cycling_s",
            "route_estimated",
            "route_geometry",
            "legs",
            "problems",
            "stops",
            "partner_ids",
            "url",
            "gpx_url",
            "version",
            "confirm",
            "accreditations",
        ]
        read_only_fields = [
            "id",
            "ends_at",
            "manual_order",
            "status",
            "total_distance_m",
            "total_cycling_s",
            "route_estimated",
            "route_geometry",
            "problems",
            "stops",
            "url",
            "gpx_url",
        ]

    def get_problems(self, tour: Tour) -> list[dict]:
        return ProblemSerializer(
            [
                {
                    "stop": int(problem["key"]) if problem["key"].isdigit() else None,
                    "kind": problem["kind"],
                    "message": services.problem_message(problem),
                    "point": problem["key"] if problem["key"] in ("start", "end") else None,
                    "distance_m": problem.get("distance"),
                }
                for problem in tour.route_problems
            ]
            + [
                {
                    "stop": stop.pk,
                    "kind": "group_size",
                    "message": services.group_size_message(
                        stop.partner.name, stop.partner.max_group_size, tour.capacity
                    ),
                }
                for stop in tour.stops.all()
                if stop.partner.max_group_size is not None
                and tour.capacity > stop.partner.max_group_size
            ],
            many=True,
        ).data

    @extend_schema_field(LegSerializer(many=True))
    def get_legs(self, tour: Tour) -> list[dict]:
        language = (get_language() or "nl")[:2]
        return [
            {
                "distance_m": leg["distance_m"],
                "duration_s": leg["duration_s"],
                "instructions": (leg.get("steps") or {}).get(language, []),
            }
            for leg in tour.route_legs or []
        ]

    def to_representation(self, tour: Tour) -> dict:
        data = super().to_representation(tour)
        data["version"] = change_services.version_of(tour)
        return data

    def get_url(self, tour: Tour) -> str:
        return self.context["request"].build_absolute_uri(tour.get_absolute_url())

    def get_gpx_url(self, tour: Tour) -> str:
        return self.context["request"].build_absolute_uri(f"/tours/{tour.pk}/route.gpx")

    def validate_neighbourhood(self, neighbourhood: Neighbourhood) -> Neighbourhood:
        user = self.context["request"].user
        if not can_coordinate(user=user, workspace_id=neighbourhood.workspace_id):
            raise serializers.ValidationError(_("This neighbourhood is not in your workspace."))
        return neighbourhood

    def validate(self, data: dict) -> dict:
        neighbourhood = data.get("neighbourhood") or getattr(self.instance, "neighbourhood", None)
        for name in ("venue_partner", "end_partner"):
            partner = data.get(name)
            if partner and neighbourhood and partner.workspace_id != neighbourhood.workspace_id:
                message = _("This partner is in another workspace.")
                raise serializers.ValidationError({name: message})
        has_venue = data.get("venue_partner") or (
            data.get("latitude") is not None and data.get("longitude") is not None
        )
        if self.instance is None and not has_venue:
            raise serializers.ValidationError(
                {"latitude": _("Give a meeting point: a partner or coordinates.")}
            )
        return data

    def _save_with(self, call) -> Tour:
        try:
            return call()
        except services.TourError as error:
            detail = {error.field or "non_field_errors": [error.message]}
            raise serializers.ValidationError(detail) from error

    def create(self, validated: dict) -> Tour:
        validated.pop("confirm", None)
        validated.pop("version", None)
        partner_ids = validated.pop("partner_ids", None)
        themes = validated.pop("themes", [])
        neighbourhood = validated.pop("neighbourhood")

        def create() -> Tour:
            tour = services.create_tour(
                workspace=neighbourhood.workspace,
                coordinator=self.context["request"].user,
                title=validated.pop("title"),
                starts_at=validated.pop("starts_at"),
                neighbourhood=neighbourhood,
                themes=themes,
                **validated,
            )
            if partner_ids:
                services.set_stops(tour=tour, partner_ids=partner_ids)
            return tour

        return self._save_with(create)

    def update(self, tour: Tour, validated: dict) -> Tour:
        """Through the change workflow, as the editor page: a published tour's move needs
        `confirm`, and its notices go out once, on commit."""
        partner_ids = validated.pop("partner_ids", None)
        themes = validated.pop("themes", None)
        confirm = validated.pop("confirm", False)
        version = validated.pop("version", None)

        def apply() -> None:
            # Fresh inside the lock: only the fields sent are written.
            fresh = Tour.objects.get(pk=tour.pk)
            services.update_tour(tour=fresh, themes=themes, **validated)
            if partner_ids is not None:
                services.set_stops(tour=fresh, partner_ids=partner_ids)

        def update() -> Tour:
            self.context["preview"] = change_services.change_activity(
                activity_id=tour.pk,
                apply=apply,
                user=self.context["request"].user,
                confirmed=confirm,
                version=version,
                dry_run=self.context.get("dry_run", False),
            )
            return tour

        try:
            return self._save_with(update)
        except change_services.ConfirmationNeeded as need:
            raise ConfirmationRequired(need.preview) from need
        except change_services.EditConflict as conflict:
            raise EditConflictError({"version": [conflict.message]}) from conflict


class TourFilter(filters.FilterSet):
    neighbourhood = filters.CharFilter(field_name="neighbourhood__slug")
    status = filters.ChoiceFilter(choices=Activity.Status.choices)
    starts_after = filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Tour
        fields = ["neighbourhood", "status", "starts_after", "starts_before"]


class OrderSerializer(serializers.Serializer):
    stop_ids = serializers.ListField(
        child=serializers.IntegerField(),
        max_length=services.MAX_STOPS,
        allow_empty=True,
        help_text="Every stop id of the tour, in the wanted order. Empty: best order again.",
    )


class TourViewSet(viewsets.ModelViewSet):
    """Wijktours. Everyone reads published and cancelled tours; coordinators also see and
    change the drafts of their own workspaces."""

    serializer_class = TourSerializer
    filterset_class = TourFilter
    # Ids beyond a 64-bit integer are a 404, not a database overflow (a 500).
    lookup_value_regex = r"[0-9]{1,18}"
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        public = Q(status__in=[Activity.Status.PUBLISHED, Activity.Status.CANCELLED])
        if self.request.method not in permissions.SAFE_METHODS:
            scope = Q(workspace__in=coordinator_workspaces(user=self.request.user))
        else:
            scope = public | Q(workspace__in=coordinator_workspaces(user=self.request.user))
        return (
            Tour.objects.filter(scope)
            .select_related("neighbourhood")
            .prefetch_related(
                "themes",
                Prefetch("stops", queryset=Stop.objects.select_related("partner")),
                public_accreditations(),
            )
            .order_by("starts_at", "pk")
        )

    def perform_destroy(self, tour: Tour) -> None:
        if tour.status != Activity.Status.DRAFT:
            raise serializers.ValidationError(
                {"status": [_("Only a draft can be deleted; cancel a published tour instead.")]}
            )
        tour.delete()

    def _fresh(self, tour: Tour) -> dict:
        fresh = self.get_queryset().get(pk=tour.pk)
        return self.get_serializer(fresh).data

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        response.data = self._fresh(self.get_object())
        return response

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tour = serializer.save()
        return Response(self._fresh(tour), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={200: TourSerializer, 400: ProblemSerializer(many=True)},
        summary="Compose the tour's route",
        description=(
            "Orders the stops for the shortest total time within the partners' visiting hours "
            "(or keeps the coordinator's order when `manual_order` is set, flagging violated "
            "windows) and stores the schedule, distances and route geometry."
        ),
    )
    @action(detail=True, methods=["post"])
    def compose(self, request, pk=None):
        tour = self.get_object()
        try:
            services.compose_route(tour=tour)
        except services.TourError as error:
            return Response(
                {error.field or "non_field_errors": [error.message]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(self._fresh(tour))

    @extend_schema(
        request=OrderSerializer,
        responses={200: TourSerializer},
        summary="Fix the order of the stops",
        description=(
            "Keeps this order, recomputes the times and flags broken visiting hours in "
            "`problems`. An empty list returns to the best order."
        ),
    )
    @action(detail=True, methods=["post"])
    def order(self, request, pk=None):
        tour = self.get_object()
        data = OrderSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        stop_ids = data.validated_data["stop_ids"]
        try:
            if stop_ids:
                services.set_manual_order(tour=tour, stop_ids=stop_ids)
            else:
                services.use_best_order(tour=tour)
        except services.TourError as error:
            return Response(
                {error.field or "non_field_errors": [error.message]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(self._fresh(tour))

    @extend_schema(request=None, responses={200: TourSerializer}, summary="Publish the tour")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._lifecycle(services.publish_tour)

    @extend_schema(
        request=TourSerializer,
        responses={200: PreviewSerializer},
        summary="Preview a change to the tour",
        description=(
            "Takes the same body as PATCH and saves nothing: the changes (old → new) and how "
            "many registrants and partners would be notified. Empty `lines`: the change "
            "notifies nobody and PATCH saves it without `confirm`. A stop that would no longer "
            "fit its visiting hours is a 400, as on PATCH."
        ),
    )
    @action(detail=True, methods=["post"])
    def preview(self, request, pk=None):
        tour = self.get_object()
        serializer = self.get_serializer(
            tour,
            data=request.data,
            partial=True,
            context={**self.get_serializer_context(), "dry_run": True},
        )
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(PreviewSerializer(serializer.context["preview"]).data)

    @extend_schema(
        request=ReasonSerializer,
        responses={200: ChangeSerializer},
        summary="Cancel the tour",
        description=(
            "Registrants and the partners on the route are mailed that the organiser cancelled, "
            "with the `reason` and an .ics with METHOD:CANCEL. Undo with "
            "POST /api/activities/{id}/reinstate/ until the start."
        ),
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        tour = self.get_object()
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            change_services.cancel_activity(
                activity_id=tour.pk, reason=data.validated_data["reason"], user=request.user
            )
        except change_services.ChangeError as error:
            return Response({"non_field_errors": [error.message]}, status=400)
        return Response(self._fresh(tour))

    def _lifecycle(self, service) -> Response:
        tour = self.get_object()
        try:
            service(tour=tour)
        except services.TourError as error:
            body = {error.field or "non_field_errors": [error.message]}
            if error.fixes:
                body["problems"] = [
                    {
                        "stop": fix.stop_id,
                        "message": fix.problem,
                        "fix_url": self.request.build_absolute_uri(fix.url),
                    }
                    for fix in error.fixes
                ]
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(self._fresh(tour))


# --- planner ---------------------------------------------------------------------------------

WINDOW_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")


class PointSerializer(serializers.Serializer):
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    name = serializers.CharField(max_length=200, required=False, default="")

    def validate_lat(self, value: float) -> float:
        return _geo(validate_latitude, value)

    def validate_lon(self, value: float) -> float:
        return _geo(validate_longitude, value)


def _geo(validator, value: float) -> float:
    try:
        validator(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from exc
    return value


def parse_window(text: str) -> tuple[int, int]:
    match = WINDOW_RE.match(text or "")
    if not match:
        raise serializers.ValidationError(
            _("Cannot read the window %(value)r; write it as 13:00-16:00.") % {"value": text}
        )
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59:
        raise serializers.ValidationError(
            _("Cannot read the window %(value)r; write it as 13:00-16:00.") % {"value": text}
        )
    opens, closes = h1 * 3600 + m1 * 60, h2 * 3600 + m2 * 60
    if closes <= opens:
        raise serializers.ValidationError(
            _("The window %(value)r ends before it starts.") % {"value": text}
        )
    return opens, closes


class PlanStopInputSerializer(serializers.Serializer):
    partner = serializers.IntegerField(required=False, help_text="A partner id, or give lat/lon.")
    lat = serializers.FloatField(required=False)
    lon = serializers.FloatField(required=False)
    name = serializers.CharField(max_length=200, required=False, default="")
    visit_minutes = serializers.IntegerField(min_value=5, max_value=240, default=30)
    windows = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        allow_null=True,
        help_text='Visiting hours, e.g. ["09:00-12:00", "13:00-17:00"]. Omitted: the partner\'s '
        "visiting hours on that weekday, or no restriction for coordinates.",
    )

    def validate_lat(self, value: float) -> float:
        return _geo(validate_latitude, value)

    def validate_lon(self, value: float) -> float:
        return _geo(validate_longitude, value)

    def validate_windows(self, value: list[str] | None):
        if value is None:
            return None
        return tuple(parse_window(text) for text in value)

    def validate(self, data: dict) -> dict:
        if data.get("partner") is None and (data.get("lat") is None or data.get("lon") is None):
            raise serializers.ValidationError(_("Give a partner id or lat and lon."))
        return data


class PlanInputSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_by = serializers.DateTimeField(
        required=False, help_text="Latest end; a later schedule is reported as a problem."
    )
    start = PointSerializer()
    end = PointSerializer(required=False, help_text="Defaults to the start.")
    stops = PlanStopInputSerializer(many=True)
    leg_buffer_minutes = serializers.IntegerField(min_value=0, max_value=60, required=False)
    fixed_order = serializers.BooleanField(default=False)

    def validate_stops(self, stops: list[dict]) -> list[dict]:
        if not stops:
            raise serializers.ValidationError(_("Give at least one stop."))
        if len(stops) > services.MAX_STOPS:
            raise serializers.ValidationError(
                _("At most %(max)s stops; got %(count)s.")
                % {"max": services.MAX_STOPS, "count": len(stops)}
            )
        ids = [s["partner"] for s in stops if s.get("partner") is not None]
        partners = Partner.objects.filter(is_active=True).prefetch_related("visiting_windows")
        found = partners.in_bulk(ids)
        unknown = [pk for pk in ids if pk not in found]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown partner: %(ids)s.") % {"ids": ", ".join(map(str, unknown))}
            )
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError(_("A partner can be visited only once."))
        for stop in stops:
            if stop.get("partner") is not None:
                stop["partner_obj"] = found[stop["partner"]]
        return stops

    def validate(self, data: dict) -> dict:
        if data.get("ends_by") and data["ends_by"] <= data["starts_at"]:
            raise serializers.ValidationError({"ends_by": [_("The end lies before the start.")]})
        return data


class PlannedStopSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="Position of this stop in the request.")
    partner = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    arrival = serializers.DateTimeField()
    departure = serializers.DateTimeField()


class PlanOutputSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    stops = PlannedStopSerializer(many=True)
    legs = LegSerializer(many=True, help_text="start → first stop, …, last stop → end")
    total_distance_m = serializers.IntegerField()
    total_duration_s = serializers.IntegerField(help_text="Cycling time, without visits.")
    estimated = serializers.BooleanField(
        help_text="True when distances are the straight-line estimate (no street data covers "
        "every point); false when the route follows the streets (Valhalla)."
    )
    geometry = inline_serializer(
        "LineString",
        fields={
            "type": serializers.CharField(),
            "coordinates": serializers.ListField(child=serializers.ListField()),
        },
    )
    unscheduled = serializers.ListField(child=serializers.IntegerField())
    problems = ProblemSerializer(many=True)


class RoutePlanView(APIView):
    """Plan a route without storing anything: the best order and a timed schedule."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=PlanInputSerializer,
        responses={200: PlanOutputSerializer},
        summary="Plan a cycling route past stops with time windows",
    )
    def post(self, request):
        data_in = PlanInputSerializer(data=request.data)
        data_in.is_valid(raise_exception=True)
        data = data_in.validated_data
        starts_at = data["starts_at"]
        day = timezone.localtime(starts_at).date()
        plan_stops = []
        for index, stop in enumerate(data["stops"]):
            partner = stop.get("partner_obj")
            windows = stop.get("windows")
            if windows is None and partner is not None:
                windows = services.windows_for(partner, day.weekday())
            plan_stops.append(
                planning.PlanStop(
                    key=str(index),
                    lat=partner.latitude if partner else stop["lat"],
                    lon=partner.longitude if partner else stop["lon"],
                    visit_s=stop["visit_minutes"] * 60,
                    name=partner.name if partner else stop.get("name") or f"#{index + 1}",
                    windows=windows,
                )
            )
        start = data["start"]
        end = data.get("end") or start
        buffer = data.get("leg_buffer_minutes")
        try:
            plan = planning.plan_route(
                start=planning.Place(start["lat"], start["lon"], start.get("name", "")),
                end=planning.Place(end["lat"], end["lon"], end.get("name", "")),
                stops=plan_stops,
                start_s=services.seconds_of_day(starts_at),
                buffer_s=(buffer if buffer is not None else services.default_leg_buffer()) * 60,
                fixed_order=data["fixed_order"],
                latest_end_s=(
                    services.seconds_of_day(data["ends_by"]) if data.get("ends_by") else None
                ),
            )
        except planning.PlanningError as exc:
            return Response({"non_field_errors": [str(exc)]}, status=503)
        by_key = {s.key: s for s in plan_stops}
        names = {key: stop.name for key, stop in by_key.items()}
        start_name = start.get("name") or _("meeting point")
        end_name = end.get("name") or start_name
        problems = [
            {
                "stop": int(p.key) if p.key in by_key else None,
                "kind": p.kind,
                "message": services.problem_message(
                    services.problem_dict(
                        p, services.point_name(p.key, names, start=start_name, end=end_name)
                    )
                ),
                "point": p.key if p.key in ("start", "end") else None,
                "distance_m": p.distance_m,
            }
            for p in plan.problems
        ]
        language = (get_language() or "nl")[:2]
        ends_at = services.at_seconds(day, plan.end_arrival_s)
        stops_out = []
        for key, arrival, departure in zip(
            plan.order, plan.arrivals_s, plan.departures_s, strict=True
        ):
            stop = by_key[key]
            stops_out.append(
                {
                    "index": int(key),
                    "partner": data["stops"][int(key)].get("partner"),
                    "name": stop.name,
                    "lat": stop.lat,
                    "lon": stop.lon,
                    "arrival": services.at_seconds(day, arrival),
                    "departure": services.at_seconds(day, departure),
                }
            )
        output = {
            "starts_at": starts_at,
            "ends_at": ends_at,
            "stops": stops_out,
            "legs": [
                {
                    "distance_m": leg.distance_m,
                    "duration_s": leg.duration_s,
                    "instructions": services.leg_dict(leg)["steps"].get(language, []),
                }
                for leg in plan.legs
            ],
            "total_distance_m": plan.total_distance_m,
            "total_duration_s": plan.total_cycling_s,
            "estimated": plan.estimated,
            "geometry": {
                "type": "LineString",
                "coordinates": [[round(lon, 6), round(lat, 6)] for lat, lon in plan.geometry],
            },
            "unscheduled": [int(key) for key in plan.dropped],
            "problems": problems,
        }
        return Response(PlanOutputSerializer(output).data)


ROUTES = [("tours", TourViewSet, "tour")]
urlpatterns = [path("routes/plan/", RoutePlanView.as_view(), name="route-plan")]
