"""诉求主题: the staff page that keeps the topics an enterprise may pick on the public form. Thin,
like every view: ``topics`` holds the rules, and each change is one unit of work (``actions``)."""

from flask import request, url_for
from flask_login import current_user

from hubapp import actions, concurrency
from hubapp.blueprints.auth.roles import staff_required
from hubapp.blueprints.demands import bp, topics
from hubapp.blueprints.demands.forms import TopicForm
from hubapp.blueprints.demands.models import DemandTopic
from hubapp.extensions import db
from hubapp.formatting import quoted
from hubapp.htmx import render


def _page(status: int = 200, add_form=None, renamed=None, error: str | None = None):
    """The list; ``renamed`` is the form of the row whose new name was refused, shown as typed."""
    return render(
        "demands/topics.html", status=status, rows=topics.topic_rows(), add_form=add_form or TopicForm(formdata=None),
        renamed=renamed, error=error,
    )  # fmt: skip


def _based_on() -> int:
    return concurrency.based_on(request.form.get("version"))


def _answer(outcome, message: str, renamed=None):
    if outcome.conflict:
        # Someone changed it meanwhile: the list as it is now, with the news on top.
        db.session.expire_all()
        return _page(409, error=outcome.message)
    if not outcome.ok:
        return _page(outcome.status, renamed=renamed)
    return actions.done(message, url_for("demands.topics"))


@bp.get("/topics", endpoint="topics")
@staff_required
def topic_list():
    return _page()


@bp.post("/topics", endpoint="add_topic")
@staff_required
def add_topic():
    form = TopicForm()
    outcome = actions.submit(form, lambda: topics.add_topic(current_user, form.name.data))
    if not outcome.ok:
        return _page(outcome.status, add_form=form)
    return actions.done(f"已新增主题{quoted(outcome.value.name)}。", url_for("demands.topics"))


@bp.post("/topics/<int:topic_id>/rename", endpoint="rename_topic")
@staff_required
def rename_topic(topic_id: int):
    topic = db.get_or_404(DemandTopic, topic_id)
    form = TopicForm()
    #: Which row of the list the refused name belongs to.
    form.topic_id = topic.id
    outcome = actions.submit(form, lambda: topics.rename_topic(current_user, topic, form.name.data, _based_on()))
    return _answer(outcome, f"已保存主题名称{quoted(topic.name)}。", renamed=form)


@bp.post("/topics/<int:topic_id>/move", endpoint="move_topic")
@staff_required
def move_topic(topic_id: int):
    topic = db.get_or_404(DemandTopic, topic_id)
    direction = request.form.get("direction", "")
    outcome = actions.attempt(lambda: topics.move_topic(current_user, topic, direction, _based_on()))
    return _answer(outcome, f"已{'上移' if direction == topics.UP else '下移'}{quoted(topic.name)}。")


@bp.post("/topics/<int:topic_id>/active", endpoint="set_topic_active")
@staff_required
def set_topic_active(topic_id: int):
    topic = db.get_or_404(DemandTopic, topic_id)
    active = request.form.get("active") == "1"
    outcome = actions.attempt(lambda: topics.set_active(current_user, topic, active, _based_on()))
    message = f"已启用{quoted(topic.name)}，企业提诉求时可以选择。" if active else f"已停用{quoted(topic.name)}，企业提诉求时不再列出；已有诉求保留该主题。"
    return _answer(outcome, message)


@bp.route("/topics/<int:topic_id>/delete", methods=["GET", "POST"], endpoint="delete_topic")
@staff_required
def delete_topic(topic_id: int):
    topic = db.get_or_404(DemandTopic, topic_id)
    if request.method == "GET":
        return render("demands/topic_delete.html", topic=topic, uses=topics.uses(topic))
    name = topic.name
    outcome = actions.attempt(lambda: topics.delete_topic(current_user, topic, _based_on()))
    return _answer(outcome, f"已删除主题{quoted(name)}。")
