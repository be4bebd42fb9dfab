"""Child processes running this checkout's manage.py (see tests/activities/harness.py for why
the shared virtualenv's editable finders are dropped)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ONLY_THIS_CHECKOUT = (
    "import sys; sys.meta_path[:] = [f for f in sys.meta_path "
    "if '__editable__' not in getattr(f, '__module__', '')]; "
)


def run_python(code: str, *, env: dict[str, str], timeout: float = 60) -> str:
    """Run `code` in a fresh interpreter in this checkout; returns stdout, raises on failure."""
    completed = subprocess.run(
        [sys.executable, "-c", ONLY_THIS_CHECKOUT + code],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout


def run_manage(*args: str, env: dict[str, str], timeout: float = 60) -> str:
    code = (
        f"sys.argv = {['manage.py', *args]!r}; "
        "import runpy; runpy.run_path('manage.py', run_name='__main__')"
    )
    return run_python(code, env=env, timeout=timeout)
