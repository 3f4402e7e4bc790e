"""Domain packages. Each exposes ``BLUEPRINTS``, and optionally:

- ``NAV``: menu entries by role;
- ``home_panel(user)``: an HTML block for the home page;
- ``grid_panel(grid)``: an HTML block for a grid's page in the register (the visit coverage of
  the month comes from demands this way, so that the register need not know about visits);
- ``setup_steps()``: the ``SetupStep``s of the 开始使用 checklist the home page shows staff until
  the centre has set itself up;
- ``notices_due(now)``: queue the notifications that no change causes but the clock (a reminder the
  day before, minutes that wait for approval); the sender calls it before each round, and the
  outbox's dedupe key makes a second call queue nothing new.

``register_all`` collects them so that adding a module never means editing another one."""

from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec

from flask import Flask

DOMAINS = ["core", "auth", "notify", "directory", "workcalendar", "facilities", "guides", "sessions", "meetings", "demands", "party", "cooperation", "reports", "front"]


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 50


@dataclass(frozen=True)
class SetupStep:
    """One thing a centre sets up before its first day: ``done`` once the database holds it."""

    order: int
    label: str
    hint: str
    endpoint: str
    done: bool
    #: Who can do it; others see the step without a link (staff cannot create accounts).
    roles: frozenset[str] = field(default_factory=frozenset)


def register_all(app: Flask) -> None:
    nav: list[NavItem] = []
    hooks: dict[str, list] = {"home_panel": [], "grid_panel": [], "setup_steps": [], "notices_due": []}
    for name in DOMAINS:
        module = import_module(f"hubapp.blueprints.{name}")
        if find_spec(f"hubapp.blueprints.{name}.models") is not None:
            import_module(f"hubapp.blueprints.{name}.models")  # so that Alembic sees every table
        for blueprint in module.BLUEPRINTS:
            app.register_blueprint(blueprint)
        nav.extend(getattr(module, "NAV", []))
        for hook, found in hooks.items():
            if hasattr(module, hook):
                found.append(getattr(module, hook))
    app.extensions["hub_nav"] = sorted(nav, key=lambda item: item.order)
    app.extensions["hub_home_panels"] = hooks["home_panel"]
    app.extensions["hub_grid_panels"] = hooks["grid_panel"]
    app.extensions["hub_setup_steps"] = hooks["setup_steps"]
    app.extensions["hub_notices_due"] = hooks["notices_due"]
