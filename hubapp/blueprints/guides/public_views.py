"""The public addresses: /g/ (the index) and /g/<code> (what each printed QR code encodes)."""

from flask import current_app, redirect, render_template, request, url_for

from hubapp import clock
from hubapp.blueprints.auth.roles import public
from hubapp.blueprints.guides import public_bp, services, viewcount
from hubapp.blueprints.guides.models import CATEGORIES, MATERIAL_FORMS, MATTER_TYPES, SERVICE_OBJECTS
from hubapp.blueprints.guides.services import GuideError, GuideGone, GuideNotFound
from hubapp.extensions import limiter


def _missing(code: str, status: int):
    return render_template("guides/public_missing.html", code=code, gone=status == 410), status


def _guide_page(code: str, status: int = 200, **extra):
    try:
        guide = services.public_guide(code)
    except GuideNotFound:
        return _missing(code, 404)
    except GuideGone:
        return _missing(code, 410)
    if status == 200:
        viewcount.count(guide.matter_id, clock.today())
    return render_template("guides/public_guide.html", guide=guide, doc=guide.content, **extra), status


@public_bp.get("/g/")
@public
def public_index():
    search = request.args.get("q", "").strip()[:50]
    return render_template("guides/public_index.html", groups=services.public_index(search), search=search)


@public_bp.get("/g/<code>")
@public
def public_guide(code: str):
    return _guide_page(code, thanks=request.args.get("feedback") == "thanks")


@public_bp.post("/g/<code>/feedback")
@public
@limiter.limit(lambda: current_app.config.get("GUIDE_FEEDBACK_LIMIT", "5 per hour"), methods=["POST"])
def public_feedback(code: str):
    try:
        guide = services.public_guide(code)
    except GuideNotFound:
        return _missing(code, 404)
    except GuideGone:
        return _missing(code, 410)
    helpful = request.form.get("helpful")
    comment = request.form.get("comment", "")
    if helpful not in ("yes", "no"):
        return _guide_page(code, 422, feedback_error="请选择“有帮助”或“没帮助”。", comment=comment)
    try:
        services.add_feedback(guide.matter_id, guide.version_number, helpful == "yes", comment)
    except GuideError as error:
        return _guide_page(code, 422, feedback_error=error.message, comment=comment)
    return redirect(url_for("guides_public.public_guide", code=code, feedback="thanks", _anchor="feedback"))


@public_bp.errorhandler(429)
def too_many(_error):
    return render_template("guides/public_limited.html"), 429


@public_bp.app_template_filter("limit_label")
def limit_label_filter(days: int | None) -> str:
    return services.limit_label(days)


@public_bp.app_template_filter("guide_lines")
def lines_filter(text: str | None) -> list[str]:
    return services.lines(text)


@public_bp.app_template_global("guide_labels")
def guide_labels() -> dict:
    return LABELS


LABELS = {
    "category": CATEGORIES,
    "service_object": SERVICE_OBJECTS,
    "matter_type": MATTER_TYPES,
    "material_form": MATERIAL_FORMS,
}
