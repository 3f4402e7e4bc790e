"""How a view asks a service for a change, and answers the user.

Every view that changes something follows the same four steps (``demands/views.py`` shows them
all):

1. validate the form; 2. run the service inside one unit of work (``database.atomic``);
3. on a broken rule, the message next to its field and a 422 (a 409 when someone else changed the
record first, a 403 when this user may not do it), with the page or fragment drawn again so that
nothing the user typed is lost; 4. on success, the fragment again for htmx, else a flash and a
303 to the page that shows the result.

    outcome = actions.submit(form, lambda: moves.close(current_user, demand, form.satisfaction.data))
    if not outcome.ok:
        return _detail(demand, outcome.status, forms={"close": form})
    return actions.done("已销号。", url_for("demands.detail", demand_id=demand.id),
                        lambda: _detail(demand, done_message="已销号。"))
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import flash, redirect

from hubapp.database import atomic
from hubapp.errors import chinese_abort
from hubapp.htmx import is_htmx
from hubapp.rules import Conflict, NotAllowed, RuleError

T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    """What came of a change: its result, or the rule it broke and the status to answer with."""

    value: T | None = None
    error: RuleError | None = None
    #: 200 when the change was made; 422 for a bad form or a broken rule; 409 for a conflict.
    status: int = 200

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def conflict(self) -> bool:
        return isinstance(self.error, Conflict)

    @property
    def message(self) -> str | None:
        return self.error.message if self.error else None


def attempt(change: Callable[[], T], form=None) -> Outcome[T]:
    """Run ``change`` as one unit of work. A rule it breaks rolls everything back; its message goes
    next to its field of ``form`` (a conflict's stays on the outcome, for the top of the page).
    A refusal for this user (``NotAllowed``) ends the request with a 403 and its message."""
    try:
        with atomic():
            value = change()
    except NotAllowed as error:
        chinese_abort(403, error.message)
    except RuleError as error:
        if form is not None and not isinstance(error, Conflict):
            form.add_error(error.message, error.field)
        return Outcome(error=error, status=error.status)
    return Outcome(value=value)


def submit(form, change: Callable[[], T]) -> Outcome[T]:
    """Validate ``form`` (a 422 outcome when it does not validate), then ``attempt`` the change."""
    if not form.validate():
        return Outcome(status=422)
    return attempt(change, form)


def form_status(form, outcome: Outcome | None, conflict=None) -> int:
    """The status to draw a form page with: 200 when first shown, else the outcome's. A conflict
    shown without a table of differences (``concurrency.table_for`` found none to draw) says why
    above the form."""
    if outcome is None:
        return 200
    if outcome.conflict and conflict is None:
        form.add_error(outcome.message)
    return outcome.status


def done(message: str, url: str, fragment: Callable | None = None):
    """After a change: for htmx the fragment that shows its result, else a flash and a 303."""
    if fragment is not None and is_htmx():
        return fragment()
    flash(message, "success")
    return redirect(url, 303)


def refused(message: str | None, url: str):
    """A change refused where there is no form to show again (a button on a list or a detail
    page): the reason as a flash on the page it came from."""
    flash(message or "操作未完成，请重试。", "error")
    return redirect(url, 303)
