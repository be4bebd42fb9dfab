"""`manage.py seed_demo` lives in home, the top floor, and runs every app's demo seed."""

from importlib import import_module

from django.core.management import get_commands

from home.management.commands.seed_demo import DEMO_MODULES


def test_seed_demo_command_is_homes():
    assert get_commands()["seed_demo"] == "home"


def test_seed_demo_every_listed_module_exists_and_seeds():
    # The command skips a module that is missing (an app left out of INSTALLED_APPS); a
    # module moved without updating the list must not slip through that way.
    assert DEMO_MODULES[0] == "home.demo"
    assert [name for name in DEMO_MODULES if not callable(import_module(name).seed)] == []
