"""API: the agenda (`/api/activities/`, both kinds, the agenda's filters) and registering
(`POST /api/activities/<id>/registrations/`), plus cancelling by token."""

from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from activities import extensions, services
from activities.filters import ActivityFilter
from activities.models import Activity, Registration
from activities.ratelimit import over_limit, over_registration_limits
from core.validators import validate_phone
from core.vocab import Profession


class ActivitySerializer(serializers.ModelSerializer):
    neighbourhood = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    themes = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    seats_left = serializers.SerializerMethodField()
    availability = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = [
            "id",
            "kind",
            "title",
            "description",
            "neighbourhood",
            "themes",
            "starts_at",
            "ends_at",
            "venue_name",
            "venue_address",
            "latitude",
            "longitude",
            "capacity",
            "seats_left",
            "availability",
            "waitlist_enabled",
            "registration_deadline",
            "status",
            "sequence",
            "url",
        ]
        read_only_fields = fields

    def get_seats_left(self, activity) -> int:
        return max(0, activity.capacity - activity.seats_taken)

    def get_availability(self, activity) -> str:
        if activity.seats_taken < activity.capacity:
            return "available"
        return "waiting_list" if activity.waitlist_enabled else "full"

    def get_url(self, activity) -> str:
        return self.context["request"].build_absolute_uri(activity.get_absolute_url())


class RegistrationInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    email = serializers.EmailField(max_length=254)
    organisation = serializers.CharField(max_length=200)
    profession = serializers.ChoiceField(choices=Profession.choices)
    phone = serializers.CharField(
        max_length=32, required=False, allow_blank=True, validators=[validate_phone]
    )
    bike_need = serializers.ChoiceField(
        choices=Registration.BikeNeed.choices, required=False, allow_blank=True
    )
    notes = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    consent = serializers.BooleanField()
    language = serializers.ChoiceField(choices=["nl", "en"], required=False)

    def get_fields(self):
        fields = super().get_fields()
        for extension in extensions.registration_extensions():
            fields.update(extension.api_fields())
        return fields

    def validate_consent(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError(_("Consent is needed to register."))
        return value


class RegistrationResultSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["confirmed", "waitlisted"])
    detail = serializers.CharField()


def outcome_message(status_value: str) -> str:
    if status_value == Registration.Status.CONFIRMED:
        return _("Registration received: you have a seat. Check your e-mail.")
    return _("Registration received: you are on the waiting list. Check your e-mail.")


class ActivityViewSet(viewsets.ReadOnlyModelViewSet):
    """Upcoming published tours and kenniscafés."""

    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    # Ids beyond a 64-bit integer are a 404, not a database overflow (a 500).
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return (
            services.with_seats(
                Activity.objects.filter(
                    status=Activity.Status.PUBLISHED, ends_at__gte=timezone.now()
                )
            )
            .select_related("neighbourhood")
            .prefetch_related("themes")
            .order_by("starts_at", "pk")
        )

    @extend_schema(
        request=RegistrationInputSerializer,
        responses={201: RegistrationResultSerializer, 409: None, 400: None, 429: None},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="registrations",
        permission_classes=[permissions.AllowAny],
    )
    def registrations(self, request, pk=None):
        """Register for an activity without an account."""
        if over_limit(request, scope="register"):
            return Response(
                {"detail": _("Too many requests. Please wait a minute and try again.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": "60"},
            )
        activity = (
            Activity.objects.filter(
                pk=pk, status__in=[Activity.Status.PUBLISHED, Activity.Status.CANCELLED]
            )
            .only("pk", "kind")
            .first()
        )
        if activity is None:
            return Response({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
        serializer = RegistrationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if over_registration_limits(email=data["email"], activity_id=activity.pk):
            return Response(
                {"detail": _("Too many requests. Please wait a minute and try again.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": "60"},
            )
        extra, errors = extensions.clean_extensions(
            activity=activity, profession=data["profession"], data=data
        )
        if errors:
            return Response(
                {name: [str(message)] for name, message in errors.items()},
                status=status.HTTP_400_BAD_REQUEST,
            )
        registrant = services.Registrant(
            name=data["name"],
            email=data["email"],
            organisation=data["organisation"],
            profession=data["profession"],
            phone=data.get("phone", ""),
            bike_need=data.get("bike_need", ""),
            notes=data.get("notes", ""),
            language=data.get("language") or get_language() or "nl",
            extra=extra,
        )
        try:
            outcome = services.register(activity_id=activity.pk, registrant=registrant)
        except services.ActivityFull as error:
            return Response({"detail": str(error.message)}, status=status.HTTP_409_CONFLICT)
        except services.DatabaseBusy as error:
            return Response(
                {"detail": str(error.message)},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
                headers={"Retry-After": "2"},
            )
        except services.RegistrationError as error:
            return Response({"activity": [str(error.message)]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            {"status": outcome.status, "detail": outcome_message(outcome.status)},
            status=status.HTTP_201_CREATED,
        )


class CancelInputSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=100)


class CancelRegistrationView(APIView):
    """Cancel with the token from the registrant's e-mail."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(request=CancelInputSerializer, responses={200: None, 404: None})
    def post(self, request):
        if over_limit(request, scope="cancel"):
            return Response(
                {"detail": _("Too many requests. Please wait a minute and try again.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": "60"},
            )
        serializer = CancelInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration = services.registration_for_cancel_token(
            token=serializer.validated_data["token"]
        )
        if registration is None:
            return Response({"token": [_("This link is not valid.")]}, status=404)
        try:
            registration = services.cancel_registration(registration_id=registration.pk)
        except services.RegistrationError as error:
            return Response({"token": [str(error.message)]}, status=400)
        return Response({"status": registration.status})


ROUTES: list = [("activities", ActivityViewSet, "activity")]
urlpatterns: list = [
    path("registrations/cancel/", CancelRegistrationView.as_view(), name="registration-cancel"),
]
