"""PDF rendering with WeasyPrint.

Print templates extend ``pdf/base.html``, which inlines ``pdf/print.css``: A4, and the Debian
fonts named explicitly (Noto Serif CJK SC for body text, Noto Sans CJK SC for headings), never
left to a fallback. Nothing is fetched over the network: the intranet has none.
"""

import os
import sys
import time

from flask import Flask, current_app, render_template


def layout(template: str, **context):
    """The laid-out WeasyPrint document, for callers that measure it before writing it."""
    # Imported here: WeasyPrint takes about a second to import, and most processes never print.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_template(template, **context)
    # Only embedded data and local files: a print job must never wait on the network.
    fetcher = URLFetcher(allowed_protocols={"data", "file"})
    return HTML(string=html, base_url=current_app.root_path, url_fetcher=fetcher).render()


def render_pdf(template: str, **context) -> bytes:
    return layout(template, **context).write_pdf()


def warm_up(app: Flask) -> None:
    """Do once, as a worker starts, what the first print would otherwise do while someone waits:
    import WeasyPrint, load and subset the CJK fonts, compile every template. ``PDF_WARM_UP`` turns
    it on (the gunicorn config ``serve.conf.py`` does); tests and commands do not pay for it."""
    from hubapp import qr

    started = time.perf_counter()
    with app.test_request_context("/"):  # print templates build addresses with url_for
        for name in app.jinja_env.list_templates(extensions=["html"]):
            app.jinja_env.get_template(name)
        render_pdf("pdf/warm_up.html", qr_code=qr.svg("https://example.invalid/warm-up"))
    # On stderr, which gunicorn gathers in its log: the bench reads the memory from there.
    print(
        f"worker {os.getpid()} warmed up for printing in {time.perf_counter() - started:.1f} s; "
        f"memory (RSS) now {resident_megabytes()} MB",
        file=sys.stderr, flush=True,
    )  # fmt: skip


def resident_megabytes() -> str:
    """This process's resident memory, from /proc (Linux), or "?" elsewhere."""
    try:
        for line in open("/proc/self/status").read().splitlines():
            if line.startswith("VmRSS:"):
                return f"{int(line.split()[1]) / 1024:.0f}"
    except OSError:
        pass
    return "?"
