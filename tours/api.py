"""API routes of this app: `ROUTES` are registered on the root router, `urlpatterns` are
mounted under /api/."""

ROUTES: list = []
urlpatterns: list = []
