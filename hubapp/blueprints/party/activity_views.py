"""The 党建联建 ledger's pages: the list, the activity form, its page and its A4 record sheet."""

from flask import request, url_for
from flask_login import current_user

from hubapp import actions, concurrency, params
from hubapp.blueprints.auth.roles import staff_required
from hubapp.blueprints.facilities import holds
from hubapp.blueprints.party import activities, bp, forms, organisations, printing
from hubapp.blueprints.party.models import ACTIVITY_KINDS, MAX_ACTIVITY_PHOTOS, PartyActivity
from hubapp.downloads import pdf_response, photo_response
from hubapp.extensions import db
from hubapp.forms import options
from hubapp.htmx import render


@bp.get("/activities")
@staff_required
def activities_index():
    kind = request.args.get("kind") if request.args.get("kind") in ACTIVITY_KINDS else None
    year = params.year_arg()
    organisation_id = params.int_arg("organisation")
    return render(
        "party/activities.html",
        "party/_activity_rows.html",
        page=params.page_of(activities.activities_query(year, kind, organisation_id, params.between_args())),
        kinds=ACTIVITY_KINDS,
        kind=kind,
        year=year,
        organisation_id=organisation_id,
        organisations=organisations.organisations(),
        location=activities.location,
    )


def _activity_form(activity: PartyActivity | None = None, saved: bool = False) -> forms.ActivityForm:
    """The form as submitted, or (on GET, or ``saved``) as ``activity`` is saved now."""
    form = forms.ActivityForm(formdata=None) if saved else forms.ActivityForm()
    form.room_id.choices = holds.room_choices((forms.NONE, "不使用中心场地（填写其他地点）"))
    shown = organisations.organisations(include_inactive=False)
    if activity is not None:
        # A branch dissolved since still shows on the activities it took part in.
        shown += [o for o in activity.organisations if not o.active]
    form.organisation_ids.choices = options([(o.id, o.name) for o in shown])
    if activity is not None and (saved or request.method == "GET"):
        concurrency.stamp(form, activity)
        form.kind.data = activity.kind
        form.theme.data = activity.theme
        form.start_at.data, form.end_at.data = activity.start_at, activity.end_at
        form.organiser.data = activity.organiser
        form.organisation_ids.data = [o.id for o in activity.organisations]
        form.attendance.data = activity.attendance
        form.room_id.data = activity.booking.room_id if holds.holds_room(activity.booking) else forms.NONE
        form.place.data = activity.place
        form.summary.data = activity.summary
    elif activity is None and request.method == "GET":
        form.organiser.data = "产业社区综合党委"
    return form


def _plan_from(form: forms.ActivityForm) -> activities.ActivityPlan:
    return activities.ActivityPlan(
        kind=form.kind.data,
        theme=form.theme.data,
        start=form.start_at.data,
        end=form.end_at.data,
        organiser=form.organiser.data,
        organisation_ids=form.organisation_ids.data or [],
        attendance=form.attendance.data,
        room_id=form.room_id.data or None,
        place=form.place.data,
        summary=form.summary.data,
    )


def _form_page(form, activity, outcome=None, conflict=None):
    status = actions.form_status(form, outcome, conflict)
    return render("party/activity_form.html", form=form, activity=activity, conflict=conflict, status=status)


@bp.route("/activities/new", methods=["GET", "POST"])
@staff_required
def new_activity():
    form = _activity_form()
    if request.method == "GET":
        return _form_page(form, None)
    outcome = actions.submit(form, lambda: activities.create_activity(current_user, _plan_from(form)))
    if not outcome.ok:
        return _form_page(form, None, outcome)
    return actions.done("联建活动已登记。", url_for("party.activity", activity_id=outcome.value.id))


def _activity_page(found: PartyActivity, photos_form=None, status: int = 200):
    return render(
        "party/activity.html", activity=found, location=activities.location(found),
        photos_form=photos_form or forms.PhotosForm(formdata=None), max_photos=MAX_ACTIVITY_PHOTOS, status=status,
    )  # fmt: skip


@bp.get("/activities/<int:activity_id>")
@staff_required
def activity(activity_id: int):
    return _activity_page(db.get_or_404(PartyActivity, activity_id))


@bp.post("/activities/<int:activity_id>/photos")
@staff_required
def add_photos(activity_id: int):
    found = db.get_or_404(PartyActivity, activity_id)
    form = forms.PhotosForm()
    uploads = [upload.read() for upload in form.photos.data or [] if upload and upload.filename]
    outcome = actions.submit(form, lambda: activities.add_photos(current_user, found, uploads))
    if not outcome.ok:
        db.session.refresh(found)
        return _activity_page(found, form, outcome.status)
    return actions.done(f"已上传{len(outcome.value)}张照片。", url_for("party.activity", activity_id=activity_id) + "#photos")


@bp.get("/activities/<int:activity_id>/photos/<int:photo_id>.jpg")
@staff_required
def activity_photo(activity_id: int, photo_id: int):
    return photo_response(db.get_or_404(PartyActivity, activity_id).photos, photo_id)


@bp.post("/activities/<int:activity_id>/photos/<int:photo_id>/delete")
@staff_required
def remove_photo(activity_id: int, photo_id: int):
    found = db.get_or_404(PartyActivity, activity_id)
    outcome = actions.attempt(lambda: activities.remove_photo(current_user, found, photo_id))
    back = url_for("party.activity", activity_id=activity_id) + "#photos"
    if not outcome.ok:
        return actions.refused(outcome.message, back)
    return actions.done("照片已删除。", back)


def _attendees_form(found: PartyActivity, saved: bool = False) -> forms.AttendeesForm:
    """The sign-in list as submitted, or (on GET, or ``saved``) as it is kept now."""
    if not saved and request.method == "POST":
        return forms.attendees_form(found.organisations)
    form = forms.attendees_form(found.organisations, formdata=None)
    concurrency.stamp(form, found)
    for branch in found.organisations:
        form[f"names_{branch.id}"].data = "、".join(a.name for a in found.attendees if a.organisation_id == branch.id)
    return form


@bp.route("/activities/<int:activity_id>/attendees", methods=["GET", "POST"])
@staff_required
def activity_attendees(activity_id: int):
    found = db.get_or_404(PartyActivity, activity_id)
    form = _attendees_form(found)
    if request.method == "GET":
        return render("party/attendees_form.html", form=form, activity=found, conflict=None)
    names = {branch.id: activities.names_in(form[f"names_{branch.id}"].data) for branch in found.organisations}
    outcome = actions.submit(
        form, lambda: activities.set_attendees(current_user, found, names, concurrency.submitted(form))
    )
    if not outcome.ok:
        conflict = concurrency.table_for(outcome, form, lambda: _attendees_form(found, saved=True))
        return render(
            "party/attendees_form.html", form=form, activity=found, conflict=conflict,
            status=actions.form_status(form, outcome, conflict),
        )  # fmt: skip
    return actions.done(
        f"签到名单已保存（{len(found.attendees)}人）。", url_for("party.activity", activity_id=activity_id) + "#attendees"
    )


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_activity(activity_id: int):
    found = db.get_or_404(PartyActivity, activity_id)
    form = _activity_form(found)
    if request.method == "GET":
        return _form_page(form, found)
    outcome = actions.submit(
        form, lambda: activities.update_activity(current_user, found, _plan_from(form), concurrency.submitted(form))
    )
    if not outcome.ok:
        conflict = concurrency.table_for(outcome, form, lambda: _activity_form(found, saved=True))
        return _form_page(form, found, outcome, conflict)
    return actions.done("联建活动已保存。", url_for("party.activity", activity_id=found.id))


@bp.post("/activities/<int:activity_id>/delete")
@staff_required
def delete_activity(activity_id: int):
    found = db.get_or_404(PartyActivity, activity_id)
    outcome = actions.attempt(lambda: activities.delete_activity(current_user, found))
    if not outcome.ok:
        return actions.refused(outcome.message, url_for("party.activity", activity_id=activity_id))
    return actions.done("联建活动已删除。", url_for("party.activities_index"))


@bp.get("/activities/<int:activity_id>/record.pdf")
@staff_required
def activity_sheet(activity_id: int):
    found = db.get_or_404(PartyActivity, activity_id)
    return pdf_response(printing.activity_sheet(found), f"党建联建活动记录-{found.start_at:%Y%m%d}.pdf")
