"""Guides: their content, and matters written (and published) through the guides services."""

from dataclasses import replace
from datetime import timedelta

from hubapp import clock
from hubapp.blueprints.guides import writing
from hubapp.blueprints.guides.content import GuideContent, Material, Step
from hubapp.blueprints.guides.models import Matter
from hubapp.database import atomic


def content(**changes) -> GuideContent:
    """A guide complete enough to publish (企业变更登记), with ``changes`` made to it."""
    complete = GuideContent(
        name="企业变更登记",
        category="enterprise",
        matter_type="instant",
        department="南海新区市场监督管理局",
        window="登记注册窗口",
        service_object="legal",
        legal_basis="《中华人民共和国市场主体登记管理条例》第二十四条",
        conditions="已在本机关登记\n已作出变更决议",
        materials=[Material("变更登记申请书"), Material("股东会决议", notes="全体股东签字")],
        steps=[Step("窗口受理"), Step("领取执照", "当场领取")],
        legal_limit_days=3,
        promised_limit_days=0,
        fee_free=True,
        place="便民服务大厅1号窗口",
        office_hours="周一至周五 9:00–17:00",
        consult_phone="0631-3981008",
        complaint_phone="0631-12345",
        tips="带齐执照正副本",
        value_added="材料预审",
    )
    return replace(complete, **changes)


def matter(code: str = "qy-bg", *, actor=None, published: bool = False, **changes) -> Matter:
    """A matter with ``content(**changes)``, a draft unless ``published`` (then its version 1)."""
    with atomic():
        made = writing.create_matter(actor, code, content(**changes))
        if published:
            writing.publish(actor, made)
    return made


def not_reviewed_for(matter: Matter, days: int) -> None:
    """Let ``days`` pass since anyone confirmed the guide (the services only ever write now)."""
    with atomic():
        matter.reviewed_at = clock.now() - timedelta(days=days)
