"""The top floor: pages and commands that compose the other apps.

Every other app stands on `core` (workspaces, memberships, permissions, shared helpers) and
`routing`, which import no other app of ours. What needs all of them at once lives here and
nowhere lower: the coordinator's dashboard (/manage/: upcoming activities with their seats,
accreditation deadlines, and the way into tours, kenniscafés, the partner network, insights,
privacy and access) and the demo seed (`manage.py seed_demo`, `make demo`), which runs each
app's `demo.seed()` in one transaction. Nothing imports `home`; it has no models.
"""
