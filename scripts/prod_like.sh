#!/usr/bin/env bash
# The production process layout on this machine: PostgreSQL, Redis, gunicorn (2 workers x 4
# threads) serving static files through whitenoise, the django-tasks-db worker, and a scheduler
# loop standing in for cron (run_periodic_jobs every minute; it queues the worker's heartbeat).
# PROD_PORT, PROD_DATABASE_URL and PROD_REDIS_URL choose where it runs.
#   scripts/prod_like.sh start   # start in the background and print where it listens
#   scripts/prod_like.sh stop
#   scripts/prod_like.sh run     # start, then stay in the foreground until Ctrl-C (make prod-like)
set -euo pipefail
cd "$(dirname "$0")/.."
STATE=var/prod-like
mkdir -p "$STATE"
PORT="${PROD_PORT:-8100}"
BIN=.venv/bin

ensure_services() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  fi
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
  fi
}

export_settings() {
  [ -f "$STATE/secret_key" ] || head -c 48 /dev/urandom | base64 | tr -d '/+=\n' > "$STATE/secret_key"
  export DJANGO_ENV=production
  export SECRET_KEY="$(cat "$STATE/secret_key")"
  export ALLOWED_HOSTS="127.0.0.1,localhost"
  export SITE_URL="http://127.0.0.1:$PORT"
  # Plain HTTP on loopback only: a real deployment terminates TLS in front of gunicorn.
  export SECURE_SSL_REDIRECT=false SECURE_COOKIES=false
  export DATABASE_URL="${PROD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/wijktour_prodlike}"
  export DATABASE_POOL=true
  export REDIS_URL="${PROD_REDIS_URL:-redis://127.0.0.1:6379/3}"
  export TASKS_BACKEND=django_tasks_db.DatabaseBackend
  export EMAIL_HOST=127.0.0.1 EMAIL_PORT=8025 EMAIL_USE_TLS=false
  export STATIC_ROOT="$PWD/$STATE/static"
  export LOG_LEVEL=INFO
}

start() {
  ensure_services
  export_settings
  local dbname="${DATABASE_URL##*/}"
  psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='$dbname'" \
    | grep -q 1 || createdb -h 127.0.0.1 -U postgres "$dbname"
  $BIN/python manage.py migrate --noinput -v0
  $BIN/python manage.py collectstatic --noinput -v0
  $BIN/python manage.py seed_demo >/dev/null
  # A mail sink so the worker's mail goes somewhere on this machine.
  nohup $BIN/python -m aiosmtpd -n -l 127.0.0.1:8025 -c aiosmtpd.handlers.Sink \
    > "$STATE/smtp.log" 2>&1 & echo $! > "$STATE/smtp.pid"
  nohup $BIN/gunicorn backend.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 \
    --threads 4 --access-logfile - --timeout 30 > "$STATE/gunicorn.log" 2>&1 &
  echo $! > "$STATE/gunicorn.pid"
  nohup $BIN/python manage.py db_worker --no-reload > "$STATE/worker.log" 2>&1 &
  echo $! > "$STATE/worker.pid"
  # cron stand-in: in production a systemd timer or crontab line per docs/operations.md.
  nohup bash -c "while true; do $BIN/python manage.py run_periodic_jobs; sleep 60; done" \
    > "$STATE/scheduler.log" 2>&1 & echo $! > "$STATE/scheduler.pid"
  for _ in $(seq 1 150); do
    curl -fs "http://127.0.0.1:$PORT/health/" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -fs "http://127.0.0.1:$PORT/health/" || { echo "not healthy; see $STATE/*.log"; exit 1; }
  echo
  echo "Production-like Wijktour listens on http://127.0.0.1:$PORT/ (gunicorn 2x4, PostgreSQL,"
  echo "Redis cache, django-tasks-db worker). Logs in $STATE/. Stop with: scripts/prod_like.sh stop"
}

stop() {
  for name in scheduler gunicorn worker smtp; do
    if [ -f "$STATE/$name.pid" ]; then
      kill "$(cat "$STATE/$name.pid")" 2>/dev/null || true
      rm -f "$STATE/$name.pid"
    fi
  done
}

case "${1:-run}" in
  start) start ;;
  stop) stop ;;
  run) trap stop EXIT INT TERM; start; tail -f "$STATE/gunicorn.log" ;;
  *) echo "usage: $0 start|stop|run"; exit 2 ;;
esac
