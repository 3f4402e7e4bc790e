"""Chinese error pages; an htmx request gets the message alone, for its error target."""

from flask import Flask, current_app, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge, default_exceptions

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

    @app.errorhandler(InternalServerError)
    def server_error(error):
        db.session.rollback()
        return render_error(500)


def chinese_abort(code: int, message: str):
    """Abort with a Chinese message shown on the error page."""
    exc = default_exceptions[code](description=message)
    exc.chinese = True
    raise exc
