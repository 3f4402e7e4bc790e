"""gunicorn settings of `make serve` and `make bench`: ``gunicorn -c serve.conf.py wsgi:app``.

Not named gunicorn.conf.py, which gunicorn would load by itself in every gunicorn the tests start.
"""

# Each worker makes its own app after the fork; with this, it prints once then (hubapp.pdf.warm_up),
# so the first PDF after a restart or a worker recycling is as quick as the next.
raw_env = ["HUB_PDF_WARM_UP=1"]
