"""QR codes (segno). Printed codes encode HUB_PUBLIC_BASE_URL + a stable address."""

import io

import segno
from flask import current_app
from markupsafe import Markup


def public_url(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def svg(data: str, scale: int = 4, border: int = 2, *, scalable: bool = False) -> Markup:
    """An inline <svg> for pages and PDFs; error level M survives a worn printout. Its size is
    ``scale`` pixels a module, unless ``scalable``: then it has a viewBox and CSS sizes it."""
    code = segno.make(data, error="m", micro=False)
    return Markup(code.svg_inline(scale=scale, border=border, omitsize=scalable))


def svg_bytes(data: str, scale: int = 10, border: int = 4) -> bytes:
    out = io.BytesIO()
    segno.make(data, error="m", micro=False).save(out, kind="svg", scale=scale, border=border, xmldecl=True)
    return out.getvalue()


def png_bytes(data: str, scale: int = 10, border: int = 4) -> bytes:
    out = io.BytesIO()
    segno.make(data, error="m", micro=False).save(out, kind="png", scale=scale, border=border)
    return out.getvalue()
