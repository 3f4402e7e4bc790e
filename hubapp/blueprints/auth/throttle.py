"""How fast wrong passwords may be tried: per account from one address, and per address.

A lock per account alone would let anyone lock the admin out by typing ``admin`` and a wrong
password five times from anywhere. So failures count per (account, address) and per address:
whoever guesses is slowed down, the real user at another address logs in as usual. The limits
are tiers (``LOGIN_LIMIT_PER_ACCOUNT_ADDRESS``: "5 per minute; 10 per 10 minutes; 20 per hour"),
so that the wait grows with the failures and ends by itself — a slowdown, not a lock.

The counts live in the rate limiter's storage (``RATELIMIT_STORAGE_URI``: Redis when several
processes or hosts serve, so that they agree). An admin's unlock starts the account's counts
afresh at every address: the addresses are not known, so each account has a generation number
in the same storage that is part of its keys, and the unlock raises it.

When that storage cannot be reached (Redis restarting), logins go on without the slowdown and the
fault is logged: the limiter is a guard, not the record, and the whole centre locked out of the
app because of it would be worse (``RATELIMIT_SWALLOW_ERRORS`` does the same for every other limit).
"""

import logging
import math
import time
from collections.abc import Callable
from typing import TypeVar

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many

from hubapp import audit
from hubapp.blueprints.auth.models import User
from hubapp.database import on_commit
from hubapp.extensions import limiter

#: How long an unlock's generation number is kept: longer than any tier's window, so that when it
#: lapses (and the generation starts at 0 again) the counts it replaced have lapsed too.
GENERATION_SECONDS = 7 * 24 * 3600

log = logging.getLogger(__name__)
T = TypeVar("T")


def _failing_open(step: Callable[[], T], otherwise: T) -> T:
    try:
        return step()
    except Exception:
        log.exception("login throttle: the rate-limit storage cannot be reached; going on without it")
        return otherwise


def _account(username: str) -> str:
    return username.strip().lower()


def _generation_key(account: str) -> str:
    return f"login-unlocks/{account}"


def _limits(username: str) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
    """Each limit with the identifiers it counts under, for ``username`` at this request's address."""
    config, address = current_app.config, get_remote_address()
    account = _account(username)
    generation = str(limiter.storage.get(_generation_key(account)))
    per_pair = parse_many(config["LOGIN_LIMIT_PER_ACCOUNT_ADDRESS"])
    per_address = parse_many(config["LOGIN_LIMIT_PER_ADDRESS"])
    return [(item, ("login-account", generation, account, address)) for item in per_pair] + [
        (item, ("login-address", address)) for item in per_address
    ]


def wait_seconds(username: str) -> int:
    """0 when ``username`` may try a password from this address now; else how many seconds until
    it may."""

    def waits() -> list[int]:
        return [
            math.ceil(limiter.limiter.get_window_stats(item, *keys).reset_time - time.time())
            for item, keys in _limits(username)
            if not limiter.limiter.test(item, *keys)
        ]

    found = _failing_open(waits, [])
    return max([1, *found]) if found else 0


def failed(username: str) -> None:
    """Count a wrong password (or an unknown or deactivated account) for this address."""

    def hit() -> None:
        for item, keys in _limits(username):
            limiter.limiter.hit(item, *keys)

    _failing_open(hit, None)


def unlock(actor, user: User) -> None:
    """An admin lets ``user`` try passwords again at once from every address. The count per
    address alone stays: an address that guesses many accounts is still slowed down."""
    key = _generation_key(_account(user.username))
    on_commit(lambda: limiter.storage.incr(key, GENERATION_SECONDS))
    audit.record(audit.actor_id(actor), "user.unlock_login", "user", user.id)


def wait_text(seconds: int) -> str:
    """3分钟 / 40秒 — how long to wait, as the login page says it."""
    return f"{math.ceil(seconds / 60)}分钟" if seconds > 90 else f"{seconds}秒"
