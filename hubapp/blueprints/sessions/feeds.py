"""The iCalendar file of one session, for staff to put in their own calendar."""

from icalendar import Calendar, Event

from hubapp import clock
from hubapp.blueprints.sessions import signup_url
from hubapp.blueprints.sessions.models import Session


def session_ics(session: Session) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//hubapp//sessions//ZH")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"session-{session.id}@hubapp")
    event.add("dtstamp", clock.to_aware(clock.now()))
    event.add("dtstart", clock.to_aware(session.start_at))
    event.add("dtend", clock.to_aware(session.end_at))
    event.add("summary", f"【{session.kind_label}】{session.title}")
    event.add("location", session.room.name)
    url = signup_url(session.id)
    lines = [session.description or ""]
    if session.host:
        lines.append(f"主办：{session.host.name}")
    if session.speakers:
        lines.append(f"主讲：{session.speakers}")
    lines.append(f"报名：{url}")
    event.add("description", "\n".join(line for line in lines if line))
    event.add("url", url)
    if session.is_cancelled:
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    # Calendar programs that do not know Asia/Shanghai by name read it from the file.
    calendar.add_missing_timezones()
    return calendar.to_ical()
