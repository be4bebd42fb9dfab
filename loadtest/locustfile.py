"""Load test for the production-like stack (`make load`; never point it at another host).

Three kinds of visitor at once:
- a registration rush: professionals registering for one popular kenniscafé with few seats
  (201 while seats last, then 409 "full" — both are correct answers, anything else is an error);
- agenda browsing: the public agenda page, with and without a filter;
- calendar clients polling public feeds with If-None-Match, as calendar apps do (304 expected
  once they hold the current version).
"""

import json
import os
import uuid
from collections import Counter
from pathlib import Path

from locust import HttpUser, between, events, task

ACTIVITY_ID = int(os.environ["LOAD_ACTIVITY_ID"])
NEIGHBOURHOOD = os.environ.get("LOAD_NEIGHBOURHOOD", "")
PROFESSIONS = ["huisarts", "wijkverpleegkundige", "poh_ggz", "fysiotherapeut"]
# Answers per request name and status (locust's own stats do not split by status).
STATUSES: Counter[str] = Counter()


@events.request.add_listener
def count_status(name: str, response, **kwargs) -> None:
    if response is not None:
        STATUSES[f"{name} -> {response.status_code}"] += 1


@events.quitting.add_listener
def write_statuses(**kwargs) -> None:
    if target := os.environ.get("LOAD_STATUS_FILE"):
        Path(target).write_text(json.dumps(dict(sorted(STATUSES.items())), indent=1))


class Registrant(HttpUser):
    weight = 2
    wait_time = between(0.1, 0.5)

    @task
    def register(self) -> None:
        ident = uuid.uuid4().hex[:12]
        with self.client.post(
            f"/api/activities/{ACTIVITY_ID}/registrations/",
            json={
                "name": f"Loadtest {ident}",
                "email": f"{ident}@loadtest.example.org",
                "organisation": "Praktijk Loadtest",
                "profession": PROFESSIONS[int(ident, 16) % len(PROFESSIONS)],
                "consent": True,
            },
            name="POST /api/activities/[id]/registrations/",
            catch_response=True,
        ) as response:
            if response.status_code in (201, 409):
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")


class AgendaBrowser(HttpUser):
    weight = 3
    wait_time = between(0.2, 1.0)

    @task(3)
    def agenda(self) -> None:
        self.client.get("/", name="GET / (agenda)")

    @task(1)
    def agenda_sessions(self) -> None:
        self.client.get("/?kind=session", name="GET /?kind=session")


class CalendarClient(HttpUser):
    weight = 5
    wait_time = between(0.1, 0.5)

    def on_start(self) -> None:
        self.etags: dict[str, str] = {}

    def poll(self, path: str, name: str) -> None:
        headers = {"If-None-Match": self.etags[path]} if path in self.etags else {}
        with self.client.get(path, headers=headers, name=name, catch_response=True) as response:
            if response.status_code == 200:
                self.etags[path] = response.headers.get("ETag", "")
                response.success()
            elif response.status_code == 304:
                response.success()
            else:
                response.failure(str(response.status_code))

    @task(3)
    def all_activities(self) -> None:
        self.poll("/feeds/activities.ics", "GET /feeds/activities.ics (conditional)")

    @task(1)
    def neighbourhood(self) -> None:
        if NEIGHBOURHOOD:
            self.poll(
                f"/feeds/neighbourhoods/{NEIGHBOURHOOD}.ics",
                "GET /feeds/neighbourhoods/[slug].ics (conditional)",
            )
