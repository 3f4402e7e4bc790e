# hubapp — the two commands a newcomer needs are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
BIND ?= 127.0.0.1:8000
WORKERS ?= 4
# HUB_DEMO=0 starts an empty database for production: one admin with a password printed once.
HUB_DEMO ?= 1

# Debian packages: what the app needs to run, and what the tests add (browser, PDF and QR tools).
DEB_RUNTIME := python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-arphic-ukai
DEB_TEST := chromium poppler-utils zbar-tools libatomic1 wrk
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test serve bench system-runtime system-test db clean-db

# The notification sender runs beside the server; in the demo its channels only record (/admin/notifications).
run: system-runtime $(VENV)/.installed db
	$(FLASK) hub notify --loop & sender=$$!; trap 'kill $$sender' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

test: system-runtime system-test $(VENV)/.installed-test
	$(BIN)/ruff check .
	@$(BIN)/pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: that is a failure here"; exit 1; fi; \
	exit $$status

# The notification sender runs beside gunicorn and stops with it.
serve: system-runtime $(VENV)/.installed db
	$(FLASK) hub notify --loop & sender=$$!; trap 'kill $$sender' EXIT INT TERM; \
	$(BIN)/gunicorn -c serve.conf.py wsgi:app --bind $(BIND) --workers $(WORKERS) --threads 4 --access-logfile -

bench: system-runtime system-test $(VENV)/.installed-test
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Installs only what is missing, so a second run costs a dpkg query, not an apt-get.
system-runtime:
	@missing=$$(for p in $(DEB_RUNTIME); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "Installing Debian packages (needs root): $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

system-test:
	@missing=$$(for p in $(DEB_TEST); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "Installing Debian packages (needs root): $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml $(VENV)/bin/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

db: $(VENV)/.installed
	$(FLASK) db upgrade -d migrations
ifeq ($(HUB_DEMO),0)
	$(FLASK) hub create-admin --if-no-users
else
	$(FLASK) hub seed-demo
endif

clean-db:
	rm -f instance/hub.sqlite3 instance/hub.sqlite3-wal instance/hub.sqlite3-shm
