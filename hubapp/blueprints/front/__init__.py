"""The centre's front door for enterprises (一码通), without accounts: /e/ and its poster, raising a
demand, following it by its private link, and 我的办件.

It sits above the domains it opens: it reads guides and sessions and raises demands through their
services, and owns no rule of its own about them.
"""

from flask import Blueprint

#: Stable public addresses (printed on the poster): /e/ and everything under it.
public_bp = Blueprint("front", __name__)
BLUEPRINTS = [public_bp]

from hubapp.blueprints.front import public_views  # noqa: E402,F401
