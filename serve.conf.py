"""gunicorn settings of `make serve` and `make bench`: ``gunicorn -c serve.conf.py wsgi:app``.

Not named gunicorn.conf.py, which gunicorn would load by itself in every gunicorn the tests start.
"""

# Each worker makes its own app after the fork; with this, it prints once then (hubapp.pdf.warm_up),
# so the first PDF after a restart or a worker recycling is as quick as the next.
raw_env = ["HUB_PDF_WARM_UP=1"]

# The warm-up runs before a worker's first heartbeat; gunicorn's default of 30 s would kill and
# respawn a worker still warming up on a busy machine, over and over.
timeout = 90
