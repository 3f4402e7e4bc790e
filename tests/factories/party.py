"""Party organisations, activities and checklist items, made through the party services."""

from hubapp.blueprints.party import activities, organisations
from hubapp.blueprints.party.models import PartyOrganisation
from hubapp.database import atomic


def organisation(name: str, enterprises: list, kind: str | None = None, *, members: int = 5,
                 secretary: str | None = "王书记", instructor=None, actor=None) -> PartyOrganisation:  # fmt: skip
    """An organisation covering ``enterprises``: a 单独党支部 for one, a 联合党支部 for several."""
    kind = kind or ("single" if len(enterprises) == 1 else "joint")
    details = organisations.OrganisationDetails(
        name=name,
        kind=kind,
        enterprise_ids=[enterprise.id for enterprise in enterprises],
        secretary=secretary,
        members=members,
        instructor_id=instructor.id if instructor is not None else None,
    )
    with atomic():
        return organisations.create_organisation(actor, details)


def activity(theme: str, branches: list, start, end, *, kind: str = "theme_day", attendance: int = 30,
             room=None, place: str | None = "企业会议室", actor=None):  # fmt: skip
    """A joint activity of ``branches``, in ``room`` (held through facilities) or at ``place``."""
    plan = activities.ActivityPlan(
        kind=kind, theme=theme, start=start, end=end, organiser="产业社区综合党委",
        organisation_ids=[branch.id for branch in branches], attendance=attendance,
        room_id=room.id if room is not None else None, place=None if room is not None else place,
    )  # fmt: skip
    with atomic():
        return activities.create_activity(actor, plan)
