"""What came of a session: attendance, questions, financing needs, and the financing matches of a
bank-enterprise session with the sentences for the centre's report."""

from flask import abort, url_for
from flask_login import current_user

from hubapp import actions
from hubapp.blueprints.auth.roles import staff_required
from hubapp.blueprints.sessions import bp, outcomes, planning
from hubapp.blueprints.sessions.forms import AdvanceForm, FinancingForm, OutcomeForm
from hubapp.blueprints.sessions.models import BANK, FinancingMatch, Session
from hubapp.blueprints.sessions.outcomes import FinancingData
from hubapp.blueprints.sessions.views import act
from hubapp.extensions import db
from hubapp.formatting import plain_number
from hubapp.forms import options
from hubapp.htmx import render


def _financing_form(formdata=True) -> FinancingForm:
    form = FinancingForm() if formdata else FinancingForm(formdata=None)
    form.bank_id.choices = options([(0, "请选择银行")] + [(b.id, b.name) for b in planning.banks()])
    return form


def _outcome(session: Session, status=200, outcome_form=None, financing_form=None):
    matches = outcomes.financing_matches(session.id)
    return render(
        "sessions/outcome.html",
        status=status,
        session=session,
        attendance=outcomes.attendance(session.id),
        questions=outcomes.collected_questions(session.id),
        needs=outcomes.financing_needs(session.id) if session.kind == BANK else [],
        matches=matches,
        report=outcomes.financing_report(matches),
        outcome_form=outcome_form or OutcomeForm(formdata=None, obj=session),
        financing_form=financing_form or _financing_form(formdata=False),
        advance_form=AdvanceForm(formdata=None),
        plain_number=plain_number,
    )


def _financing_page(session: Session) -> str:
    return url_for(".outcome", session_id=session.id) + "#financing"


def _match_or_404(session: Session, match_id: int) -> FinancingMatch:
    match = db.get_or_404(FinancingMatch, match_id)
    if match.session_id != session.id:
        abort(404)
    return match


@bp.get("/<int:session_id>/outcome")
@staff_required
def outcome(session_id: int):
    return _outcome(db.get_or_404(Session, session_id))


@bp.post("/<int:session_id>/outcome")
@staff_required
def outcome_post(session_id: int):
    session = db.get_or_404(Session, session_id)
    form = OutcomeForm()
    saved = actions.submit(form, lambda: outcomes.save_outcome_summary(current_user, session, form.outcome_summary.data))
    if not saved.ok:
        return _outcome(session, status=saved.status, outcome_form=form)
    return actions.done("活动成效已保存。", url_for(".outcome", session_id=session.id))


def _financing_from(form: FinancingForm) -> FinancingData:
    return FinancingData(
        enterprise_name=form.enterprise_name.data,
        bank_id=form.bank_id.data,
        amount=form.amount.data,
        status=form.status.data,
        notes=form.notes.data,
    )


@bp.post("/<int:session_id>/financing")
@staff_required
def add_financing(session_id: int):
    session = db.get_or_404(Session, session_id)
    form = _financing_form()
    added = actions.submit(form, lambda: outcomes.add_financing(current_user, session, _financing_from(form)))
    if not added.ok:
        return _outcome(session, status=added.status, financing_form=form)
    return actions.done("已记录融资对接成果。", _financing_page(session))


@bp.post("/<int:session_id>/financing/<int:match_id>")
@staff_required
def advance_financing(session_id: int, match_id: int):
    session = db.get_or_404(Session, session_id)
    match = _match_or_404(session, match_id)
    form = AdvanceForm()
    if not form.validate():
        return actions.refused("请选择进展。", _financing_page(session))
    return act(
        lambda: outcomes.advance_financing(current_user, match, form.status.data),
        lambda advanced: f"融资进展已更新为“{advanced.status_label}”。",
        _financing_page(session),
    )


@bp.post("/<int:session_id>/financing/<int:match_id>/delete")
@staff_required
def delete_financing(session_id: int, match_id: int):
    session = db.get_or_404(Session, session_id)
    match = _match_or_404(session, match_id)
    return act(lambda: outcomes.delete_financing(current_user, match), "已删除该条融资对接成果。", _financing_page(session))
