"""What `make bench` serves: hubapp, with a bare Flask page mounted beside it at /_bare as the
baseline, so both run in the same gunicorn processes with the same configuration."""

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from hubapp import create_app

bare = Flask("bare")


@bare.get("/")
def bare_page():
    return "<!doctype html><title>bare</title><p>ok</p>"


hub = create_app()
app = DispatcherMiddleware(hub, {"/_bare": bare})
