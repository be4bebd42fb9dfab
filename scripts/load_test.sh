#!/usr/bin/env bash
# Load test on the production-like stack (make load): starts it, rushes one kenniscafé with few
# seats while others browse the agenda and calendar apps poll feeds, prints throughput and
# p50/p95/p99, fails on any error or on overbooking, and stops the stack. 127.0.0.1 only.
#   LOAD_USERS (60)  LOAD_SPAWN_RATE (20)  LOAD_DURATION (30s)  LOAD_CAPACITY (20)
#   PROD_PORT (8100)  PROD_DATABASE_URL  PROD_REDIS_URL  — as scripts/prod_like.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PROD_PORT="${PROD_PORT:-8100}"
OUT=var/load
mkdir -p "$OUT"
rm -f "$OUT"/stats_*.csv "$OUT/statuses.json"
# Every simulated visitor comes from 127.0.0.1, so the per-address registration limit
# (REGISTRATION_RATE_LIMIT, 300 per 10 minutes by default) would turn the rush into 429s:
# raise it for this run only.
export REGISTRATION_RATE_LIMIT="${LOAD_REGISTRATION_RATE_LIMIT:-1000000/600}"

trap 'scripts/prod_like.sh stop' EXIT
scripts/prod_like.sh start

# The same settings the stack runs with, for the management commands below.
manage() {
  DJANGO_ENV=production SECRET_KEY="$(cat var/prod-like/secret_key)" \
    DATABASE_URL="${PROD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/wijktour_prodlike}" \
    REDIS_URL="${PROD_REDIS_URL:-redis://127.0.0.1:6379/3}" LOG_LEVEL=WARNING \
    .venv/bin/python manage.py "$@"
}
ACTIVITY_ID="$(manage prepare_load_test --capacity "${LOAD_CAPACITY:-20}" | tail -1)"
NEIGHBOURHOOD="$(manage shell -c "from network.models import Neighbourhood; \
print(Neighbourhood.objects.filter(activities__isnull=False).order_by('pk').first().slug)" | tail -1)"
echo "Rushing activity $ACTIVITY_ID (${LOAD_CAPACITY:-20} seats); feed neighbourhood $NEIGHBOURHOOD"

LOAD_ACTIVITY_ID="$ACTIVITY_ID" LOAD_NEIGHBOURHOOD="$NEIGHBOURHOOD" \
  LOAD_STATUS_FILE="$OUT/statuses.json" \
  .venv/bin/locust -f loadtest/locustfile.py --headless --only-summary \
  --host "http://127.0.0.1:$PROD_PORT" --users "${LOAD_USERS:-60}" \
  --spawn-rate "${LOAD_SPAWN_RATE:-20}" --run-time "${LOAD_DURATION:-30s}" \
  --stop-timeout 5 --csv "$OUT/stats" --exit-code-on-error 0 > "$OUT/locust.log" 2>&1 || true

echo
.venv/bin/python loadtest/report.py "$OUT/stats" "$OUT/statuses.json"
manage check_load_test "$ACTIVITY_ID"
echo "OK: no overbooking"
