"""Domain packages. Each exposes ``BLUEPRINTS``, optionally ``NAV`` (menu entries by role) and
``home_panel(user)`` (an HTML block for the staff home page); ``register_all`` collects them so
that adding a module never means editing another one."""

from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec

from flask import Flask

DOMAINS = ["core", "auth", "directory", "facilities", "guides", "sessions", "meetings", "demands"]


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 50


def register_all(app: Flask) -> None:
    nav: list[NavItem] = []
    panels = []
    for name in DOMAINS:
        module = import_module(f"hubapp.blueprints.{name}")
        if find_spec(f"hubapp.blueprints.{name}.models") is not None:
            import_module(f"hubapp.blueprints.{name}.models")  # so that Alembic sees every table
        for blueprint in module.BLUEPRINTS:
            app.register_blueprint(blueprint)
        nav.extend(getattr(module, "NAV", []))
        if hasattr(module, "home_panel"):
            panels.append(module.home_panel)
    app.extensions["hub_nav"] = sorted(nav, key=lambda item: item.order)
    app.extensions["hub_home_panels"] = panels
