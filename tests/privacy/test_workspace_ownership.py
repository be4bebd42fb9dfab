"""Every piece of domain data belongs to exactly one workspace, through non-null foreign keys,
so a workspace filter can always reach it. Themes are a shared vocabulary on purpose."""

import pytest
from django.apps import apps
from django.db import models

from core.models import Workspace

DOMAIN_APPS = ["network", "activities", "tours", "knowledge_sessions", "ratings", "feeds"]
SHARED_MODELS = {"network.Theme"}


def workspace_path(model: type[models.Model], seen: frozenset = frozenset()) -> str | None:
    """The shortest lookup from `model` to its Workspace over non-null foreign keys."""
    candidates = []
    for field in model._meta.get_fields():
        if not (field.many_to_one or field.one_to_one) or not field.concrete or field.null:
            continue
        target = field.related_model
        if target is Workspace:
            return field.name
        if target in seen or target is model:
            continue
        rest = workspace_path(target, seen | {model})
        if rest is not None:
            candidates.append(f"{field.name}__{rest}")
    return min(candidates, key=len) if candidates else None


def domain_models() -> list[type[models.Model]]:
    return [
        model
        for label in DOMAIN_APPS
        for model in apps.get_app_config(label).get_models()
        if model._meta.label not in SHARED_MODELS
    ]


def test_every_domain_model_reaches_a_workspace():
    unowned = [model._meta.label for model in domain_models() if workspace_path(model) is None]

    assert unowned == []


def test_named_models_reach_their_workspace_directly():
    paths = {
        label: workspace_path(apps.get_model(label))
        for label in [
            "network.Neighbourhood",
            "network.Partner",
            "tours.Tour",
            "knowledge_sessions.KnowledgeSession",
            "activities.Registration",
            "ratings.Rating",
            "feeds.ImportedEvent",
        ]
    }

    assert paths == {
        "network.Neighbourhood": "workspace",
        "network.Partner": "workspace",
        "tours.Tour": "workspace",
        "knowledge_sessions.KnowledgeSession": "workspace",
        "activities.Registration": "activity__workspace",
        "ratings.Rating": "activity__workspace",
        "feeds.ImportedEvent": "workspace",
    }


@pytest.mark.django_db
def test_every_object_of_a_world_filters_to_its_workspace(world_a, world_b):
    counts = {}
    for model in domain_models():
        path = workspace_path(model)
        counts[model._meta.label] = (
            model.objects.filter(**{path: world_a.workspace}).count()
            + model.objects.filter(**{path: world_b.workspace}).count()
            == model.objects.count()
        )

    assert set(counts.values()) == {True}
