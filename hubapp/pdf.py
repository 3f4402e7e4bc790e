"""PDF rendering with WeasyPrint.

Print templates extend ``pdf/base.html``, which inlines ``pdf/print.css``: A4, and the Debian
fonts named explicitly (Noto Serif CJK SC for body text, Noto Sans CJK SC for headings), never
left to a fallback. Nothing is fetched over the network: the intranet has none.
"""

from flask import current_app, render_template


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
