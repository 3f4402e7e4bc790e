"""Party building pages: the overview with the organisation tree and coverage, the organisation
form, and dissolving (撤销) an organisation. The ledger's pages are in ``activity_views``, the
checklist's in ``checklist_views``.

Thin: parse the form, run the service in one unit of work (``hubapp.actions``), render."""

from flask import request, url_for
from flask_login import current_user

from hubapp import actions, concurrency
from hubapp.blueprints.auth.roles import staff_required
from hubapp.blueprints.directory.picker import normalised
from hubapp.blueprints.party import bp, forms, organisations
from hubapp.blueprints.party.models import UPPER_LEVELS, PartyOrganisation
from hubapp.extensions import db
from hubapp.forms import options
from hubapp.htmx import render


@bp.get("/")
@staff_required
def index():
    return render(
        "party/index.html",
        organisations=organisations.organisations(),
        coverage=organisations.coverage(),
        upper_levels=UPPER_LEVELS,
    )


def _organisation_form(organisation: PartyOrganisation | None = None, saved: bool = False) -> forms.OrganisationForm:
    """The form as submitted, or (on GET, or ``saved``) as ``organisation`` is saved now."""
    form = forms.OrganisationForm(formdata=None) if saved else forms.OrganisationForm()
    form.instructor_id.choices = options(
        [(forms.NONE, "未指派")] + [(user.id, user.display_name) for user in organisations.instructors()]
    )
    if organisation is None:
        return form
    if saved or request.method == "GET":
        concurrency.stamp(form, organisation)
        form.name.data = organisation.name
        form.kind.data = organisation.kind
        form.secretary.data = organisation.secretary
        form.members.data = organisation.members
        form.established_on.data = organisation.established_on
        form.instructor_id.data = organisation.instructor_id or forms.NONE
        for entry, enterprise in zip(form.enterprises.entries, organisation.enterprises, strict=False):
            entry.process_data(enterprise)
    else:
        # An enterprise the organisation already covers stays acceptable even if it has left the
        # register since.
        by_name = {enterprise.name: enterprise for enterprise in organisation.enterprises}
        for entry in form.enterprises.entries:
            entry.current = by_name.get(normalised(entry.data))
    return form


def _details_from(form: forms.OrganisationForm) -> organisations.OrganisationDetails:
    return organisations.OrganisationDetails(
        name=form.name.data,
        kind=form.kind.data,
        enterprise_ids=[entry.enterprise_id for entry in form.enterprises.entries if entry.enterprise_id],
        secretary=form.secretary.data,
        members=form.members.data,
        established_on=form.established_on.data,
        instructor_id=form.instructor_id.data or None,
    )


def _form_page(form, organisation, outcome=None, conflict=None):
    status = actions.form_status(form, outcome, conflict)
    return render("party/organisation_form.html", form=form, organisation=organisation, conflict=conflict, status=status)


@bp.route("/organisations/new", methods=["GET", "POST"])
@staff_required
def new_organisation():
    form = _organisation_form()
    if request.method == "GET":
        return _form_page(form, None)
    outcome = actions.submit(form, lambda: organisations.create_organisation(current_user, _details_from(form)))
    if not outcome.ok:
        return _form_page(form, None, outcome)
    return actions.done(f"已新增{outcome.value.name}。", url_for("party.index"))


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_organisation(organisation_id: int):
    organisation = db.get_or_404(PartyOrganisation, organisation_id)
    form = _organisation_form(organisation)
    if request.method == "GET":
        return _form_page(form, organisation)
    outcome = actions.submit(
        form,
        lambda: organisations.update_organisation(
            current_user, organisation, _details_from(form), concurrency.submitted(form)
        ),
    )
    if not outcome.ok:
        conflict = concurrency.table_for(outcome, form, lambda: _organisation_form(organisation, saved=True))
        return _form_page(form, organisation, outcome, conflict)
    return actions.done(f"{organisation.name}已保存。", url_for("party.index"))


@bp.post("/organisations/<int:organisation_id>/deactivate")
@staff_required
def deactivate_organisation(organisation_id: int):
    organisation = db.get_or_404(PartyOrganisation, organisation_id)
    form = forms.DeactivateForm()
    outcome = actions.submit(form, lambda: organisations.set_active(current_user, organisation, False, form.reason.data))
    if not outcome.ok:
        return actions.refused(outcome.message or "请填写撤销原因。", url_for("party.edit_organisation", organisation_id=organisation.id))
    return actions.done(f"{organisation.name}已撤销。", url_for("party.index"))


@bp.post("/organisations/<int:organisation_id>/reactivate")
@staff_required
def reactivate_organisation(organisation_id: int):
    organisation = db.get_or_404(PartyOrganisation, organisation_id)
    outcome = actions.attempt(lambda: organisations.set_active(current_user, organisation, True))
    if not outcome.ok:
        return actions.refused(outcome.message, url_for("party.edit_organisation", organisation_id=organisation.id))
    return actions.done(f"{organisation.name}已恢复。", url_for("party.index"))
