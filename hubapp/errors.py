"""Chinese error pages; an htmx request gets the message alone, for its error target.

A database that cannot serve just now — PostgreSQL restarting or unreachable, SQLite locked beyond
its busy timeout or out of disk — is not a bug: every request answers 503 with what happened, in
Chinese, from one handler, and the next request tries again (the engine's ``pool_pre_ping`` replaces
the connections a restart broke, so the app recovers without being restarted). Whatever the unit of
work had written is rolled back with it by ``atomic()``: nothing is left half-written.
"""

import sqlite3

from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge, default_exceptions

from hubapp.database import READ_ONLY_METHODS
from hubapp.extensions import db
from hubapp.htmx import is_htmx

MESSAGES = {
    400: ("请求有误", "提交的内容无法处理，请返回上一页检查后重试。"),
    401: ("需要登录", "请先登录后再访问此页面。"),
    403: ("没有权限", "您的账号没有访问此页面或执行此操作的权限。"),
    404: ("页面不存在", "您访问的页面不存在，可能已被删除或地址有误。"),
    405: ("请求方式不允许", "此页面不支持该请求方式。"),
    409: ("操作冲突", "数据已被他人修改或占用，请刷新后重试。"),
    410: ("内容已下线", "您访问的内容已下线。"),
    413: ("内容过大", "上传的内容超过了允许的大小。"),
    422: ("内容有误", "提交的内容未通过校验，请修改后重试。"),
    429: ("操作过于频繁", "操作过于频繁，请稍后再试。"),
    500: ("服务器内部错误", "系统出现了意外错误，已记录。请稍后重试，或联系中心工作人员。"),
    503: ("服务暂不可用", "系统暂时无法提供服务，请稍后重试。"),
}


#: Why the database could not serve, as the user is told.
DATABASE_UNREACHABLE = "数据库暂时无法连接，请稍后再试。"
DATABASE_BUSY = "数据库正忙（其他操作正在写入），请稍后再试。"
DATABASE_FULL = "服务器存储空间已满，数据库无法写入，请联系系统管理员。"
#: Added when the request was a submission, so that the user knows to send it again.
SUBMISSION_NOT_DONE = "本次提交未能完成。"
#: Seconds a client (or a proxy) is asked to wait before trying again.
RETRY_AFTER_SECONDS = 5

SQLITE_BUSY_CODES = ("SQLITE_BUSY", "SQLITE_LOCKED")
SQLITE_UNREACHABLE_CODES = ("SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_NOTADB", "SQLITE_PROTOCOL")
POSTGRESQL_DISK_FULL = "53100"
#: Another transaction was in the way: a deadlock or a serialization failure (class 40), a lock
#: not available (55P03), a statement cancelled by a timeout (57014).
POSTGRESQL_CONTENTION = ("40", "55P03", "57014")


def database_fault(error: BaseException | None) -> str | None:
    """What to tell the user when ``error`` says the database cannot serve just now; None for
    anything else, which stays a 500."""
    if isinstance(error, PoolTimeout):
        return DATABASE_BUSY
    if isinstance(error, OperationalError | InterfaceError):
        return _fault_message(error)
    return None


def _fault_message(error: DBAPIError) -> str | None:
    driver_error = error.orig
    if isinstance(driver_error, sqlite3.Error):
        # A missing table or a syntax error is an OperationalError too, and a bug: only the
        # conditions that pass belong here.
        code = getattr(driver_error, "sqlite_errorname", "")
        if code.startswith("SQLITE_FULL"):
            return DATABASE_FULL
        if code.startswith(SQLITE_BUSY_CODES):
            return DATABASE_BUSY
        if code.startswith(SQLITE_UNREACHABLE_CODES):
            return DATABASE_UNREACHABLE
        return None
    # PostgreSQL: refused or dropped connections, a server shutting down or not accepting
    # connections, a deadlock or a cancelled statement — all of them pass.
    sqlstate = getattr(driver_error, "sqlstate", None) or ""
    if sqlstate == POSTGRESQL_DISK_FULL:
        return DATABASE_FULL
    if sqlstate.startswith(POSTGRESQL_CONTENTION):
        return DATABASE_BUSY
    return DATABASE_UNREACHABLE


def render_unavailable(message: str):
    """The 503 page. It reads nothing from the database, so it can be drawn while the database is
    away: the public layout (the staff one shows who is logged in), drawn without the context
    processors (Flask-Login's loads the logged-in user to offer it to every template)."""
    if request.method not in READ_ONLY_METHODS:
        message += SUBMISSION_NOT_DONE
    template = current_app.jinja_env.get_template("errors/_message.html" if is_htmx() else "errors/unavailable.html")
    body = template.render(
        title=MESSAGES[503][0], message=message, centre_name=current_app.config["CENTRE_NAME"],
        centre_short_name=current_app.config["CENTRE_SHORT_NAME"],
    )  # fmt: skip
    return body, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, (f"错误 {code}", "请求未能完成。"))
    template = "errors/_message.html" if is_htmx() else "errors/error.html"
    return render_template(template, code=code, title=title, message=detail or message), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, "页面已过期或请求来源无法验证（CSRF 校验失败），请刷新页面后重新提交。")

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error):
        limit = current_app.config["MAX_UPLOAD_MB"]
        return render_error(413, f"提交的内容超过了允许的大小（文件最大{limit}MB）。照片请先压缩，Excel 文件请分成几个文件后再上传。")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        detail = error.description if getattr(error, "chinese", False) else None
        response = error.get_response()
        body, code = render_error(error.code, detail)
        response.set_data(body)
        response.status_code = code
        response.content_type = "text/html; charset=utf-8"
        return response

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeout)
    def database_unavailable(error):
        message = database_fault(error)
        if message is None:
            raise error  # not a fault of the database but a bug: the 500 below, logged by Flask
        current_app.logger.warning("database unavailable: %s", error)
        return render_unavailable(message)

    @app.errorhandler(InternalServerError)
    def server_error(error):
        # A fault met outside the view — drawing an error page of its own, ending the request's
        # transaction — reaches Flask as a 500: it is still the database's absence.
        message = database_fault(error.original_exception)
        if message is not None:
            return render_unavailable(message)
        db.session.rollback()
        return render_error(500)


def chinese_abort(code: int, message: str):
    """Abort with a Chinese message shown on the error page."""
    exc = default_exceptions[code](description=message)
    exc.chinese = True
    raise exc
