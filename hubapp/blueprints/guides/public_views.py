"""The public addresses: /g/ (the index) and /g/<code> (what each printed QR code encodes)."""

import hashlib

from flask import current_app, make_response, redirect, render_template, request, session, url_for

from hubapp import clock
from hubapp.blueprints.auth.roles import public
from hubapp.blueprints.guides import public_bp, services, viewcount
from hubapp.blueprints.guides.models import CATEGORIES, MATERIAL_FORMS, MATTER_TYPES, SERVICE_OBJECTS
from hubapp.blueprints.guides.services import GuideError, GuideGone, GuideNotFound
from hubapp.extensions import csrf, limiter


def _missing(code: str, status: int):
    return render_template("guides/public_missing.html", code=code, gone=status == 410), status


#: Rendered pages by (matter, version). A published version never changes, so its page never goes
#: stale; the one query that finds the current version still runs on every scan.
PAGE_CACHE_SIZE = 512


def _cached_page(guide: services.PublicGuide) -> tuple[str, str]:
    cache = current_app.extensions.setdefault("guide_pages", {})
    key = (guide.matter_id, guide.version_number)
    if key in cache:
        return cache[key]
    # A signed-in staff member's pending message would be rendered into the page: not for everyone.
    shareable = "_flashes" not in session
    html = render_template("guides/public_guide.html", guide=guide, doc=guide.content)
    page = (html, hashlib.blake2b(html.encode(), digest_size=12).hexdigest())
    if shareable:
        if len(cache) >= PAGE_CACHE_SIZE:
            cache.clear()
        cache[key] = page
    return page


def _guide_page(code: str, status: int = 200, **extra):
    try:
        guide = services.public_guide(code)
    except GuideNotFound:
        return _missing(code, 404)
    except GuideGone:
        return _missing(code, 410)
    # Not counted: the thank-you and the form with an error follow a view already counted.
    return render_template("guides/public_guide.html", guide=guide, doc=guide.content, **extra), status


@public_bp.get("/g/")
@public
def public_index():
    search = request.args.get("q", "").strip()[:50]
    return render_template("guides/public_index.html", groups=services.public_index(search), search=search)


@public_bp.get("/g/<code>")
@public
def public_guide(code: str):
    # Other query strings (a messenger's ?from=…) still get the shared page and count as a view.
    if request.args.get("feedback") == "thanks":
        return _guide_page(code, thanks=True)
    try:
        guide = services.public_guide(code)
    except GuideNotFound:
        return _missing(code, 404)
    except GuideGone:
        return _missing(code, 410)
    viewcount.count(guide.matter_id, clock.today())
    html, etag = _cached_page(guide)
    response = make_response(html)
    # A phone on a weak connection that scans again gets 304 instead of the page.
    response.set_etag(etag)
    response.cache_control.no_cache = True
    return response.make_conditional(request)


@public_bp.post("/g/<code>/feedback")
@public
# Anonymous feedback carries no one's authority, so a forged cross-site post gains nothing that a
# direct one would not (both meet the limit per address). Without a CSRF token the guide page needs
# no session cookie: it is the same for everyone, cacheable, and the scan path stays light.
@csrf.exempt
@limiter.limit(lambda: current_app.config["GUIDE_FEEDBACK_LIMIT"], methods=["POST"])
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
        return _guide_page(code, 422, feedback_error=error.message, comment=comment, helpful=helpful)
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
