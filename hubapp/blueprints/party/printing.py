"""The party module's PDF: a joint activity's record sheet (党建联建活动记录) for the branch files."""

from hubapp.blueprints.party import activities
from hubapp.blueprints.party.models import PartyActivity
from hubapp.pdf import render_pdf


def activity_sheet(activity: PartyActivity) -> bytes:
    return render_pdf("party/pdf/activity.html", activity=activity, location=activities.location(activity))
