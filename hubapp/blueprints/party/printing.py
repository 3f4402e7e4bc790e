"""The party module's PDF: a joint activity's record sheet (党建联建活动记录) for the branch files,
with its sign-in list and, on a page of their own, its photos."""

import base64

from hubapp.blueprints.party import activities
from hubapp.blueprints.party.models import PartyActivity
from hubapp.pdf import render_pdf


def _data_uri(content: bytes) -> str:
    # Embedded: the print job fetches nothing, not even from this app.
    return "data:image/jpeg;base64," + base64.b64encode(content).decode("ascii")


def _signed_by_branch(activity: PartyActivity) -> list[tuple[str, list[str]]]:
    return [
        (branch.name, names)
        for branch in activity.organisations
        if (names := [a.name for a in activity.attendees if a.organisation_id == branch.id])
    ]


def activity_sheet(activity: PartyActivity) -> bytes:
    return render_pdf(
        "party/pdf/activity.html",
        activity=activity,
        location=activities.location(activity),
        signed=_signed_by_branch(activity),
        photos=[_data_uri(photo.content) for photo in activity.photos],
    )
