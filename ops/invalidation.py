"""Which cached public pages a committed change makes stale, as cache tags (see ops.cache).

Every cached page names what it shows: the agenda reads "agenda" (the activities listed),
"seats" and "filters" (neighbourhood and theme names); /feeds/activities.ics reads "feed:all";
an activity's .ics "activity:<pk>"; the neighbourhood, theme and partner feeds
"neighbourhood:<slug>", "theme:<slug>" and "partner:<slug>". A change names the tags it
touches, and only pages reading one of them render afresh:

- an activity (or tour, kenniscafé) edit: its own tag, "feed:all", "agenda", and the feeds of
  its neighbourhood, themes and partners (venue, stops, end point), before and after the edit;
- a stop edit: the tour's tags as above but not the agenda (it shows no stops), and the stop's
  partner (old and new);
- a registration: nothing, unless it takes or frees a seat: then "seats" (the agenda's
  seats-left) and the partner feeds of the tour's stops (their group size). A waitlisted
  sign-up invalidates nothing;
- a theme, neighbourhood or partner edit: its own feed, "filters" for the first two, and the
  feeds of every public activity it appears in (categories, venue, programme).

Drafts are shown nowhere, so changes that leave an activity a draft touch nothing. Models of
the watched apps not listed here make every page stale ("public"): a safe default for
models added later. Relations are read after the commit (the page cache cannot be fooled by a
rollback and a write transaction pays no extra query), except for deletions, which are read
before the rows go.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_delete

# Imported when ops' AppConfig.ready() connects the receivers (the models are loaded then).
from activities.models import Activity, Registration
from network.models import Neighbourhood, Partner, Theme
from tours.models import Stop

WATCHED_APPS = frozenset({"activities", "tours", "knowledge_sessions", "network"})
PUBLIC_STATUSES = frozenset({"published", "cancelled"})
# Registrations holding a seat in the agenda's seats-left (activities.services.SEATED) and in
# a partner feed's group size (feeds.selectors.SEATED).
AGENDA_SEATED = frozenset({"confirmed", "attended", "no_show"})
GROUP_SEATED = frozenset({"confirmed", "attended"})
# Shown on no cached page.
IGNORED_MODELS = frozenset(
    {
        "knowledge_sessions.sessionseries",
        "network.visitingwindow",
        "network.contact",
        "network.partner_themes",
        "network.partner_neighbourhoods",
        "network.partner_editors",
    }
)
# What post_init remembers of a loaded row, to know what an edit moved away from.
REMEMBERED = {
    "activity": ("status", "neighbourhood_id", "venue_partner_id", "end_partner_id"),
    "stop": ("tour_id", "partner_id"),
    "registration": ("status",),
    "named": ("slug",),
}
LOADED = "_ops_loaded"

Invalidate = Callable[[Iterable[str]], None]


def remembered_names(model) -> tuple[str, ...]:
    if issubclass(model, Activity):
        return REMEMBERED["activity"]
    if issubclass(model, Stop):
        return REMEMBERED["stop"]
    if issubclass(model, Registration):
        return REMEMBERED["registration"]
    return REMEMBERED["named"]


def remember(sender, instance, **kwargs) -> None:
    """Keep the loaded values (only those loaded: touching a deferred field would query).
    Runs for every instance of the watched models, so it stays this small."""
    names = NAMES.get(sender) or remembered_names(sender)
    values = instance.__dict__
    values[LOADED] = {name: values[name] for name in names if name in values}


NAMES: dict[type, tuple[str, ...]] = {}


def loaded(instance, name: str):
    return instance.__dict__.get(LOADED, {}).get(name)


def slugs(model, ids: Iterable[int | None]) -> list[str]:
    wanted = {pk for pk in ids if pk is not None}
    if not wanted:
        return []
    return list(model.objects.filter(pk__in=wanted).values_list("slug", flat=True))


def activity_tags(
    ids: Iterable[int], *, listing: bool, public_only: bool = True, extra: Iterable[str] = ()
) -> set[str]:
    """The pages that show these activities: their own, the all-activities feed, the agenda
    (`listing`: a change to what the agenda lists), and the neighbourhood, theme and partner
    feeds they appear in. Three queries however many activities."""
    ids = set(ids)
    if not ids:
        return set(extra)
    activities = Activity.objects.filter(pk__in=ids)
    if public_only:
        activities = activities.filter(status__in=PUBLIC_STATUSES)
    rows = list(
        activities.values_list(
            "pk", "neighbourhood__slug", "venue_partner__slug", "tour__end_partner__slug"
        )
    )
    shown = {row[0] for row in rows}
    if not public_only:
        shown = ids
    if not shown:
        return set(extra)
    tags = {"feed:all", *extra, *(f"activity:{pk}" for pk in shown)}
    if listing:
        tags.add("agenda")
    for _pk, neighbourhood, venue, end in rows:
        tags.add(f"neighbourhood:{neighbourhood}")
        tags.update(f"partner:{slug}" for slug in (venue, end) if slug)
    partners = Stop.objects.filter(tour_id__in=shown).values_list("partner__slug", flat=True)
    tags.update(f"partner:{slug}" for slug in partners)
    themes = Activity.themes.through.objects.filter(activity_id__in=shown).values_list(
        "theme__slug", flat=True
    )
    tags.update(f"theme:{slug}" for slug in themes)
    return tags


def involving_partner(partner_id: int) -> list[int]:
    return list(
        Activity.objects.filter(
            Q(venue_partner_id=partner_id)
            | Q(tour__stops__partner_id=partner_id)
            | Q(tour__end_partner_id=partner_id)
        )
        .values_list("pk", flat=True)
        .distinct()
    )


def with_theme(theme_id: int) -> list[int]:
    return list(
        Activity.themes.through.objects.filter(theme_id=theme_id).values_list(
            "activity_id", flat=True
        )
    )


class Watcher:
    """The signal receivers; `invalidate` bumps tags (ops.cache.invalidate)."""

    def __init__(self, invalidate: Invalidate) -> None:
        self.invalidate = invalidate

    def later(self, compute: Callable[[], Iterable[str]]) -> None:
        """Work out the tags once the change is committed (nothing, if it rolls back)."""
        transaction.on_commit(lambda: self.invalidate(compute()), robust=True)

    def now(self, tags: Iterable[str]) -> None:
        """Tags read before a deletion, bumped once it is committed."""
        tags = set(tags)
        transaction.on_commit(lambda: self.invalidate(tags), robust=True)

    # --- receivers

    def saved(self, sender, instance, created: bool = False, **kwargs) -> None:
        if sender._meta.app_label not in WATCHED_APPS:
            return
        handler = self.handler(instance)
        if handler is not None:
            handler(instance, created=created)

    def deleting(self, sender, instance, **kwargs) -> None:
        if isinstance(instance, Activity):
            self.now(activity_tags([instance.pk], listing=True))
        elif isinstance(instance, Theme):
            self.now(
                activity_tags(
                    with_theme(instance.pk),
                    listing=False,
                    extra=("filters", f"theme:{instance.slug}"),
                )
            )
        elif isinstance(instance, Partner):
            self.now(
                activity_tags(
                    involving_partner(instance.pk),
                    listing=False,
                    extra=(f"partner:{instance.slug}",),
                )
            )
        elif isinstance(instance, Neighbourhood):
            self.now(("filters", f"neighbourhood:{instance.slug}"))

    def deleted(self, sender, instance, **kwargs) -> None:
        if sender._meta.app_label not in WATCHED_APPS:
            return
        if isinstance(instance, Stop):
            self.stop_changed(instance, created=False)
        elif isinstance(instance, Registration):
            self.seats_changed(instance, before=loaded(instance, "status"), after=None)
        elif isinstance(instance, Activity | Theme | Partner | Neighbourhood):
            return  # read in `deleting`
        elif sender._meta.label_lower not in IGNORED_MODELS:
            self.invalidate(("public",))

    def m2m(self, sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
        if sender._meta.label_lower in IGNORED_MODELS or not action.startswith(("post_", "pre_c")):
            return
        if sender is not Activity.themes.through:
            if instance._meta.app_label in WATCHED_APPS and action.startswith("post_"):
                self.invalidate(("public",))
            return
        if action == "pre_clear":
            # What a clear removes is only known before.
            if reverse:
                self.now(activity_tags(with_theme(instance.pk), listing=True))
            else:
                self.now(activity_tags([instance.pk], listing=True))
            return
        if action == "post_clear":
            return
        if reverse:
            activity_ids, theme_ids = set(pk_set or ()), [instance.pk]
        else:
            activity_ids, theme_ids = [instance.pk], set(pk_set or ())
        self.later(
            lambda: activity_tags(
                activity_ids,
                listing=True,
                extra=[f"theme:{slug}" for slug in slugs(Theme, theme_ids)],
            )
        )

    # --- per model

    def handler(self, instance):
        if isinstance(instance, Activity):
            return self.activity_changed
        if isinstance(instance, Stop):
            return self.stop_changed
        if isinstance(instance, Registration):
            return lambda registration, created: self.seats_changed(
                registration,
                before=None if created else loaded(registration, "status"),
                after=registration.status,
            )
        if isinstance(instance, Theme | Neighbourhood | Partner):
            return self.named_changed
        if instance._meta.label_lower in IGNORED_MODELS:
            return None
        return lambda instance, created: self.invalidate(("public",))

    def activity_changed(self, activity, *, created: bool) -> None:
        before = {} if created else activity.__dict__.get(LOADED, {})
        was_public = before.get("status") in PUBLIC_STATUSES
        if not was_public and activity.status not in PUBLIC_STATUSES:
            return  # a draft before and after: on no public page
        pk = activity.pk
        old_neighbourhood = before.get("neighbourhood_id")
        old_partners = [before.get("venue_partner_id"), before.get("end_partner_id")]

        def compute() -> set[str]:
            tags = activity_tags([pk], listing=True, public_only=not was_public)
            tags.update(f"neighbourhood:{s}" for s in slugs(Neighbourhood, [old_neighbourhood]))
            tags.update(f"partner:{s}" for s in slugs(Partner, old_partners))
            return tags

        self.later(compute)
        remember(type(activity), activity)

    def stop_changed(self, stop, *, created: bool) -> None:
        tour_ids = {stop.tour_id, loaded(stop, "tour_id")} - {None}
        partner_ids = {stop.partner_id, loaded(stop, "partner_id")}

        def compute() -> set[str]:
            tags = activity_tags(tour_ids, listing=False)
            if tags:
                tags.update(f"partner:{s}" for s in slugs(Partner, partner_ids))
            return tags

        self.later(compute)
        remember(type(stop), stop)

    def seats_changed(self, registration, *, before: str | None, after: str | None) -> None:
        agenda = (before in AGENDA_SEATED) != (after in AGENDA_SEATED)
        group = (before in GROUP_SEATED) != (after in GROUP_SEATED)
        remember(type(registration), registration)
        if not (agenda or group):
            return  # waitlisted, or from one seated state to another: no page shows it
        activity_id = registration.activity_id

        def compute() -> set[str]:
            tags = {"seats"} if agenda else set()
            if group:
                partners = Stop.objects.filter(
                    tour_id=activity_id, tour__status__in=PUBLIC_STATUSES
                ).values_list("partner__slug", flat=True)
                tags.update(f"partner:{slug}" for slug in partners)
            return tags

        self.later(compute)

    def named_changed(self, instance, *, created: bool) -> None:
        own = {instance.slug, loaded(instance, "slug")} - {None}
        pk = instance.pk
        if isinstance(instance, Neighbourhood):
            # Activities show no neighbourhood name in feeds; the agenda shows it ("filters").
            tags = {"filters", *(f"neighbourhood:{slug}" for slug in own)}
            if len(own) > 1:
                tags.add("feed:all")  # ?neighbourhood=<old slug> no longer answers the same
            self.later(lambda: tags)
        elif isinstance(instance, Theme):
            extra = {"filters", *(f"theme:{slug}" for slug in own)}
            self.later(lambda: activity_tags(with_theme(pk), listing=False, extra=extra))
        else:
            extra = {f"partner:{slug}" for slug in own}
            self.later(lambda: activity_tags(involving_partner(pk), listing=False, extra=extra))
        remember(type(instance), instance)


def connect(invalidate: Invalidate) -> Watcher:
    watcher = Watcher(invalidate)
    for model in (Activity, Registration, Stop, Neighbourhood, Theme, Partner):
        # Subclasses (Tour, KnowledgeSession) send their own post_init.
        for sender in (model, *model.__subclasses__()):
            NAMES[sender] = remembered_names(sender)
            post_init.connect(remember, sender=sender, dispatch_uid=f"ops-remember-{sender}")
    post_save.connect(watcher.saved, dispatch_uid="ops-cache-save", weak=False)
    pre_delete.connect(watcher.deleting, dispatch_uid="ops-cache-deleting", weak=False)
    post_delete.connect(watcher.deleted, dispatch_uid="ops-cache-delete", weak=False)
    m2m_changed.connect(watcher.m2m, dispatch_uid="ops-cache-m2m", weak=False)
    return watcher
