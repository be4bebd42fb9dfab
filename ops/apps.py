from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running Wijktour in production: the public page cache, periodic jobs, the worker's
    heartbeat and the load-test helpers. No models."""

    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from ops import cache

        cache.connect_invalidation()
