import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
application = get_wsgi_application()

# The first request costs what the others do (ops/warmup.py; WARMUP_ON_START=0 turns it off).
from ops.warmup import warm_up_on_start  # noqa: E402

warm_up_on_start()
