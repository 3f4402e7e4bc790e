"""The public addresses: /g/ (the index) and /g/<code> (what each printed QR code encodes)."""

import hashlib
from functools import partial

from flask import abort, current_app, make_response, redirect, render_template, request, session, url_for
from werkzeug.http import quote_etag

from hubapp import actions, clock, replay
from hubapp.blueprints.auth.roles import public
from hubapp.blueprints.guides import content, public_bp, reading, viewcount, visitors
from hubapp.blueprints.guides.models import CATEGORIES, MATERIAL_FORMS, MATTER_TYPES, SERVICE_OBJECTS
from hubapp.extensions import csrf, limiter, reads_unlimited


def _missing(code: str, status: int):
    """The page that says there is no such guide (404), or no longer one (410), with the way to the index."""
    abort(make_response(render_template("guides/public/missing.html", code=code, gone=status == 410), status))


def _stamp(code: str) -> reading.PublicStamp:
    try:
        return reading.public_stamp(code)
    except reading.GuideGone:
        _missing(code, 410)
    except reading.GuideNotFound:
        _missing(code, 404)


def _version(code: str, stamp: reading.PublicStamp) -> reading.PublicGuide:
    try:
        return reading.public_guide_at(stamp)
    except reading.GuideNotFound:
        _missing(code, 404)


def _published(code: str) -> reading.PublicGuide:
    """The version behind /g/<code>, or the page that says why there is none."""
    return _version(code, _stamp(code))


#: Rendered pages by (matter, version), per worker. A published version never changes, so its page
#: never goes stale: the stamp read on every scan (reading.public_stamp) says which version is
#: current, so a new version or a withdrawal shows on every worker and host at the next request,
#: and the version's text is read and rendered only once per worker.
PAGE_CACHE_SIZE = 512


def _cached_page(code: str) -> tuple[reading.PublicStamp, bytes, str]:
    """The version shown now, its page (encoded once) and the page's ETag."""
    stamp = _stamp(code)
    cache = current_app.extensions.setdefault("guide_pages", {})
    # get(), not "in" then [ ]: another thread may clear the cache in between.
    page = cache.get(stamp)
    if page is not None:
        return stamp, *page
    guide = _version(code, stamp)
    body = render_template("guides/public/guide.html", guide=guide, doc=guide.content).encode()
    page = (body, hashlib.blake2b(body, digest_size=12).hexdigest())
    if _shareable():
        if len(cache) >= PAGE_CACHE_SIZE:
            cache.clear()
        cache[stamp] = page
    return stamp, *page


def _shareable() -> bool:
    """A signed-in staff member's pending message would be rendered into the page: not for everyone."""
    return "_flashes" not in session


def _still_shows(code: str, stamp: reading.PublicStamp) -> bool:
    """Whether /g/<code> still shows the version ``stamp`` names (a kept answer's check)."""
    try:
        return reading.public_stamp(code) == stamp
    except (reading.GuideGone, reading.GuideNotFound):
        return False


def _count_view(matter_id: int) -> None:
    viewcount.count(matter_id, clock.today())


def _guide_page(guide: reading.PublicGuide, status: int = 200, **extra):
    # Not counted: the thank-you and the form with an error follow a view already counted.
    return render_template("guides/public/guide.html", guide=guide, doc=guide.content, **extra), status


@public_bp.get("/g/")
@reads_unlimited
@public
def public_index():
    search = request.args.get("q", "").strip()[: visitors.MISS_TERM_MAX]
    if not search:
        return _whole_index()
    groups = reading.public_index(search)
    popular = []
    if search and not groups:
        visitors.note_search_miss(search)
        popular = visitors.popular_guides()
    return render_template(
        "guides/public/index.html", groups=groups, search=search, popular=popular,
        phone=current_app.config["CENTRE_PHONE"],
    )  # fmt: skip


def _whole_index() -> str:
    """/g/ without a search, rendered once per worker for each listing: the listing (a few short
    columns of the published guides) is read on every request, so a change shows at once."""
    listing = reading.public_listing()
    shareable = _shareable()
    cache = current_app.extensions.setdefault("guide_index_page", {})
    html = cache.get(listing)
    if html is None:
        html = render_template(
            "guides/public/index.html", groups=reading.by_category(listing), search="", popular=[],
            phone=current_app.config["CENTRE_PHONE"],
        )  # fmt: skip
        if shareable:
            # Only the current listing is worth keeping: an older one will not come back.
            cache.clear()
            cache[listing] = html
    if shareable:
        replay.keep(lambda: reading.public_listing() == listing)
    return html


@public_bp.get("/g/<code>")
@reads_unlimited
@public
def public_guide(code: str):
    # Other query strings (a messenger's ?from=…) still get the shared page and count as a view.
    if request.args.get("feedback") == "thanks":
        return _guide_page(_published(code), thanks=True)
    stamp, body, etag = _cached_page(code)
    _count_view(stamp.matter_id)
    if _shareable():
        replay.keep(partial(_still_shows, code, stamp), on_replay=partial(_count_view, stamp.matter_id))
    # A phone on a weak connection that scans again gets 304 instead of the page. Compared here, not
    # by make_conditional(), which also looks for ranges and dates this page never has: that, the
    # Cache-Control object and encoding the page again took a fifth of a scan's time.
    if request.if_none_match.contains_weak(etag):
        response = current_app.response_class(status=304)
    else:
        response = current_app.response_class(body)
    response.headers["ETag"] = quote_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response


@public_bp.get("/g/<code>/feedback")
@public
def feedback_address(code: str):
    """The form's address opened (a reload, a shared link): the guide, not a 405 that offers the
    staff login."""
    return redirect(url_for(".public_guide", code=code))


@public_bp.post("/g/<code>/feedback")
@public
# Anonymous feedback carries no one's authority, so a forged cross-site post gains nothing that a
# direct one would not (both meet the limit per address). Without a CSRF token the guide page needs
# no session cookie: it is the same for everyone, cacheable, and the scan path stays light.
@csrf.exempt
@limiter.limit(lambda: current_app.config["GUIDE_FEEDBACK_LIMIT"], methods=["POST"])
def public_feedback(code: str):
    guide = _published(code)
    helpful = request.form.get("helpful")
    comment = request.form.get("comment", "")
    if helpful not in ("yes", "no"):
        return _guide_page(guide, 422, feedback_error="请选择“有帮助”或“没帮助”。", comment=comment)
    outcome = actions.attempt(lambda: visitors.add_feedback(None, guide, helpful == "yes", comment))
    if not outcome.ok:
        return _guide_page(guide, outcome.status, feedback_error=outcome.message, comment=comment, helpful=helpful)
    # No flash: the thank-you is part of the page, and a flash would give visitors a session cookie.
    return redirect(url_for("guides_public.public_guide", code=code, feedback="thanks", _anchor="feedback"), 303)


@public_bp.errorhandler(429)
def too_many(_error):
    return render_template("guides/public/limited.html"), 429


@public_bp.app_template_filter("limit_label")
def limit_label_filter(days: int | None) -> str:
    return content.limit_label(days)


@public_bp.app_template_filter("guide_lines")
def lines_filter(text: str | None) -> list[str]:
    return content.lines(text)


@public_bp.app_template_global("guide_labels")
def guide_labels() -> dict:
    return LABELS


LABELS = {
    "category": CATEGORIES,
    "service_object": SERVICE_OBJECTS,
    "matter_type": MATTER_TYPES,
    "material_form": MATERIAL_FORMS,
}
