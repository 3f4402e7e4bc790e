"""The 工作简报's rules: an issue for a period, numbered 第N期 in the year it is created; its text
generated from ``centre_figures`` and edited by staff (version-checked); 印发 keeps the PDF and the
text exactly as printed, every time.

Like every service these only flush: the caller's ``atomic()`` commits.
"""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from hubapp import audit, clock, concurrency
from hubapp.blueprints.reports import briefing_printing, briefing_text
from hubapp.blueprints.reports.figures import centre_figures
from hubapp.blueprints.reports.models import MAX_TEXT, Briefing, BriefingPrint
from hubapp.blueprints.reports.periods import KINDS, MONTH, QUARTER, YEAR, Period
from hubapp.database import NumberTaken, take_turns, write_numbered
from hubapp.extensions import db
from hubapp.rules import NotAllowed, RuleError

#: How many years back the period chooser offers.
CHOSEN_YEARS = 3


def briefings_query():
    return (
        select(Briefing).options(selectinload(Briefing.prints)).order_by(Briefing.year.desc(), Briefing.number.desc())
    )


def choosable_periods(today: date) -> list[tuple[str, list[Period]]]:
    """The periods staff can write a 简报 for, by year, newest first: every one that has begun."""
    found = []
    for year in range(today.year, today.year - CHOSEN_YEARS, -1):
        periods = [Period(YEAR, year, 1)]
        periods += [Period(QUARTER, year, n) for n in range(4, 0, -1)]
        periods += [Period(MONTH, year, n) for n in range(12, 0, -1)]
        found.append((f"{year}年", [p for p in periods if p.start <= today]))
    return found


def chosen_period(slug: str | None) -> Period:
    try:
        return Period.parse(slug or "")
    except ValueError:
        raise RuleError("请选择简报期间。", "period") from None


def kind_label(period: Period) -> str:
    return KINDS[period.kind]


def generated_text(period: Period, today: date | None = None) -> str:
    return briefing_text.text(centre_figures(period, today or clock.today()))


#: The numbering's turn (``database.take_turns``): creating and deleting an issue both change it.
NUMBERING = "reports.briefings.numbering"


def _last_number(year: int) -> int:
    return db.session.scalar(select(func.max(Briefing.number)).where(Briefing.year == year)) or 0


def _next_number(year: int) -> int:
    return _last_number(year) + 1


def create(actor, period: Period) -> Briefing:
    """A new 简报 for ``period``, its text generated from today's figures, with the next 第N期."""
    now = clock.now()
    if period.start > now.date():
        raise RuleError(f"{period.label}尚未开始，无法编写简报。", "period")
    text = generated_text(period, now.date())

    def write() -> Briefing:
        briefing = Briefing(
            year=now.year, number=_next_number(now.year), period_slug=period.slug, text=text,
            created_at=now, updated_at=now, created_by_id=audit.actor_id(actor),
        )  # fmt: skip
        db.session.add(briefing)
        db.session.flush()
        return briefing

    try:
        briefing = write_numbered(db.session, NUMBERING, write)
    except NumberTaken:
        raise RuleError("期号被同时占用，请重试。") from None
    audit.record(
        audit.actor_id(actor), "briefing.create", "briefing", briefing.id,
        issue=briefing.issue_label, period=period.label,
    )  # fmt: skip
    return briefing


def _check_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise RuleError("请填写简报正文。", "text")
    if len(text) > MAX_TEXT:
        raise RuleError(f"正文不超过{MAX_TEXT}字。", "text")
    return text


def save_text(actor, briefing: Briefing, text: str, based_on: int | None) -> Briefing:
    text = _check_text(text)
    concurrency.claim(briefing, based_on)
    if text != briefing.text:
        briefing.text, briefing.updated_at = text, clock.now()
        audit.record(audit.actor_id(actor), "briefing.update", "briefing", briefing.id, issue=briefing.issue_label)
    return briefing


def regenerate(actor, briefing: Briefing, based_on: int | None) -> Briefing:
    """The text written again from the figures as they are now; the edits made to it are discarded."""
    concurrency.claim(briefing, based_on)
    briefing.text, briefing.updated_at = generated_text(briefing.period), clock.now()
    audit.record(audit.actor_id(actor), "briefing.regenerate", "briefing", briefing.id, issue=briefing.issue_label)
    return briefing


def print_briefing(actor, briefing: Briefing, based_on: int | None) -> BriefingPrint:
    """印发: the PDF of the text as saved now, kept with that text. ``based_on`` is the version the
    user previewed, so that no one prints what someone else changed after they looked."""
    concurrency.claim(briefing, based_on)
    now = clock.now()
    pdf = briefing_printing.briefing_pdf(briefing, issued_on=now.date())
    kept = BriefingPrint(
        briefing=briefing, printed_at=now, printed_by_id=audit.actor_id(actor), text=briefing.text, pdf=pdf
    )
    db.session.add(kept)
    db.session.flush()
    audit.record(
        audit.actor_id(actor), "briefing.print", "briefing", briefing.id,
        issue=briefing.issue_label, print_number=len(briefing.prints),
    )  # fmt: skip
    return kept


def why_not_deletable(briefing: Briefing) -> str | None:
    """Why ``briefing`` must stay, or None. An issue made by mistake (the wrong period) may go
    while it was never issued and is still the newest of its year: the next one takes its number
    again, so the 期号 of the year run on without a gap."""
    if briefing.prints:
        return "该期已印发，不能删除；如需更正，请修改正文后再次印发。"
    if briefing.number != _last_number(briefing.year):
        return f"{briefing.year}年已有更新的一期，删除本期会造成期号断号，不能删除。"
    return None


def delete(actor, briefing: Briefing, based_on: int | None) -> None:
    concurrency.claim(briefing, based_on)
    # In the numbering's turn: an issue created meanwhile would otherwise follow a deleted number.
    take_turns(db.session, NUMBERING)
    reason = why_not_deletable(briefing)
    if reason:
        raise NotAllowed(reason)
    audit.record(
        audit.actor_id(actor), "briefing.delete", "briefing", briefing.id,
        issue=briefing.issue_label, period=briefing.period.label,
    )  # fmt: skip
    db.session.delete(briefing)
