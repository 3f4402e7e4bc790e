"""What each person chose of the optional messages (``NoticePreference``): a grid worker may turn
off the SMS of answers to the demands they registered; staff may also receive the messages of the
centre's robot by e-mail. What the process needs — a liaison's transferred demand, a deadline —
has no switch. Saving only flushes: the caller's ``atomic()`` commits."""

import re
from dataclasses import dataclass

from sqlalchemy import select

from hubapp import audit
from hubapp.blueprints.auth.models import User
from hubapp.blueprints.auth.roles import STAFF_ROLES, Role
from hubapp.blueprints.notify.models import NoticePreference
from hubapp.extensions import db
from hubapp.rules import RuleError

#: Enough to catch a typo (a missing @ or domain); the mail server is the judge of the rest.
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EMAIL_MAX = 254


@dataclass(frozen=True)
class Choices:
    sms_demand_answers: bool = True
    email_staff_messages: bool = False
    email: str = ""


def choices_of(user: User) -> Choices:
    row = db.session.get(NoticePreference, user.id)
    if row is None:
        return Choices()
    return Choices(row.sms_demand_answers, row.email_staff_messages, row.email or "")


def may_email(user: User) -> bool:
    return user.role in STAFF_ROLES


def may_silence_sms(user: User) -> bool:
    return user.role == Role.GRID_WORKER


def save(actor: User, choices: Choices) -> NoticePreference:
    """``actor`` sets their own choices; an option their role does not have keeps its default."""
    email = choices.email.strip()
    if email and (len(email) > EMAIL_MAX or not EMAIL_PATTERN.match(email)):
        raise RuleError("请输入有效的电子邮箱地址，例如 name@example.cn。", "email")
    wants_email = choices.email_staff_messages and may_email(actor)
    if wants_email and not email:
        raise RuleError("选择接收邮件时，请填写电子邮箱地址。", "email")
    row = db.session.get(NoticePreference, actor.id)
    before = choices_of(actor)
    if row is None:
        row = NoticePreference(user_id=actor.id)
        db.session.add(row)
    row.sms_demand_answers = choices.sms_demand_answers if may_silence_sms(actor) else True
    row.email_staff_messages = wants_email
    row.email = email or None
    db.session.flush()
    after = choices_of(actor)
    changed = {name: getattr(after, name) for name in ("sms_demand_answers", "email_staff_messages", "email")
               if getattr(before, name) != getattr(after, name)}  # fmt: skip
    if changed:
        audit.record(audit.actor_id(actor), "notice_preference.update", "notice_preference", actor.id, **changed)
    return row


def wants_sms_of_answers(user: User) -> bool:
    return choices_of(user).sms_demand_answers


def staff_email_addresses() -> list[str]:
    """The addresses of active staff who asked for the staff robot's messages by e-mail."""
    return list(
        db.session.scalars(
            select(NoticePreference.email)
            .join(User, User.id == NoticePreference.user_id)
            .where(NoticePreference.email_staff_messages.is_(True), User.active.is_(True), User.role.in_(STAFF_ROLES))
            .order_by(User.id)
        )
    )
