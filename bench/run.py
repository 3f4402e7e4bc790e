"""`make bench`: serve hubapp with gunicorn on 127.0.0.1, load each page with wrk, and print req/s,
p50 and p99 next to a bare Flask page served by the same gunicorn in the same run — on a fresh
SQLite file and, when a PostgreSQL answers at ``BENCH_POSTGRES``, on its database ``bench`` (made
afresh each run; never ``test``), side by side. Also: how long the first PDF a fresh worker makes
takes next to the following ones, and each worker's memory once warmed up (serve.conf.py).

Each ``bench/rows_<domain>.py`` contributes rows (see bench/api.py). Timings vary with what else
the machine is doing: compare a row with the baseline of the same run, not across runs. On a shared
machine the load changes within a run too, so each page is measured in ``--rounds`` short runs, each
just after a run of the bare page, and its ratio is the median of those pairs' ratios (req/s, p50
and p99 are the medians of its runs; the baseline rows show the first and the last bare run).
"""

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import import_module
from pathlib import Path

import flask_migrate
import requests

from bench.api import HttpRow, Prepare, TimedRow
from hubapp.database import atomic
from hubapp.extensions import db

ROOT = Path(__file__).resolve().parent.parent
#: The server and maintenance database the PostgreSQL run uses; it makes (and remakes) ``bench``.
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
BENCH_DATABASE = "bench"
DEMO_PASSWORD = "demo-2026"
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}
#: Fresh servers whose first PDF is timed: the row is their median.
FIRST_PDF_STARTS = 3
#: The addresses ``--public`` measures: what a visitor's phone opens, whoever opens it.
PUBLIC_PATHS = ("/e/", "/g/", "/s/", "/login", "/healthz")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_database(uri: str):
    os.environ["HUB_SQLALCHEMY_DATABASE_URI"] = uri
    from hubapp import create_app, demo

    app = create_app()
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        with atomic():
            demo.seed_all()
    return app


def fresh_postgres() -> str | None:
    """The URI of an empty ``bench`` database, or None when no PostgreSQL answers."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    server = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)"))
            conn.execute(text(f"CREATE DATABASE {BENCH_DATABASE}"))
    except OperationalError as error:
        print(f"no PostgreSQL at {POSTGRES} ({error.orig}); SQLite only", flush=True)
        return None
    finally:
        server.dispose()
    return make_url(POSTGRES).set(database=BENCH_DATABASE).render_as_string(hide_password=False)


def start_gunicorn(uri: str, port: int, workers: int, log: Path) -> subprocess.Popen:
    env = dict(os.environ, HUB_SQLALCHEMY_DATABASE_URI=uri)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "serve.conf.py", "bench.wsgi:app", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", "1", "--timeout", "120"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    # Measure only once every worker has warmed up (serve.conf.py): until then the ones still
    # printing their first PDF would share the cores with the ones being measured.
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if log.read_text(errors="replace").count("warmed up for printing") >= workers:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                    return process
            except (requests.ConnectionError, requests.Timeout):
                pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit(f"gunicorn did not start; see {log}")


def login_cookie(base: str, username: str) -> str:
    """The cookies of a signed-in user, as their browser holds them after the page the login leads
    to: that page shows (and so takes out of the session) the login's message. wrk sends the same
    cookie with every request: one still holding a message would have every page rendered afresh
    for it, which no real browser asks for more than once."""
    http = requests.Session()
    page = http.get(base + "/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = http.post(
        base + "/login", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token},
        allow_redirects=False,
    )  # fmt: skip
    if response.status_code != 303:
        raise SystemExit(f"could not log in as {username}: {response.status_code}")
    http.get(base + response.headers["Location"]).raise_for_status()
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies)


def visitor_cookie(base: str, path: str) -> str:
    """The session cookie a first visit to ``path`` gives (its form's CSRF token lives there)."""
    http = requests.Session()
    http.get(base + path).raise_for_status()
    if not http.cookies:
        raise SystemExit(f"{path} gave no cookie to return with")
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies)


def wrk(url: str, seconds: int, connections: int, cookie: str | None) -> tuple[float, float, float, int]:
    """req/s, p50 and p99 in ms, and the count of non-2xx/3xx answers."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))

    def percentile(name: str) -> float:
        value, unit = re.search(rf"^\s+{name}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M).groups()
        return float(value) * UNITS[unit]

    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return rate, percentile("50"), percentile("99"), int(errors.group(1)) if errors else 0


def first_pdfs(uri: str, workdir: Path, starts: int) -> tuple[float, float]:
    """ms of the first PDF a freshly started worker makes, and of the ones it makes next: medians
    over ``starts`` fresh one-worker servers (one first print is one sample, and this machine's
    load moves a single sample by half its time)."""
    firsts, nexts = [], []
    for start in range(starts):
        port = free_port()
        server = start_gunicorn(uri, port, 1, workdir / f"first-pdf-{start}.log")
        try:
            firsts.append(pdf_time(port))
            nexts.extend(pdf_time(port) for _ in range(3))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    return statistics.median(firsts), statistics.median(nexts)


def pdf_time(port: int) -> float:
    started = time.perf_counter()
    response = requests.get(f"http://127.0.0.1:{port}/e/poster.pdf", timeout=120)
    response.raise_for_status()
    return (time.perf_counter() - started) * 1000


def warmed_memory(log: Path) -> str:
    """What each worker said about its memory once warmed up (hubapp.pdf.warm_up)."""
    sizes = re.findall(r"memory \(RSS\) now (\S+) MB", log.read_text(errors="replace"))
    return "、".join(sizes) + " MB" if sizes else "—（未预热）"


def row_modules():
    modules = [import_module(f"bench.{p.stem}") for p in sorted((ROOT / "bench").glob("rows_*.py"))]
    # A module that grows a table for its own rows goes last, so it cannot colour the others.
    return sorted(modules, key=lambda m: getattr(m, "ORDER", 50))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=3, help="wrk duration of each run")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each page, each after a run of the bare page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2)
    parser.add_argument("--database", help="one database URI instead of SQLite and PostgreSQL")
    parser.add_argument("--only", help="run only rows modules whose name contains one of these (comma-separated)")
    parser.add_argument(
        "--public", action="store_true",
        help="only the public pages (PUBLIC_PATHS; no staff pages, no PDFs), each module's up to its first Prepare",
    )  # fmt: skip
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="hub-bench-"))
    if args.database:
        databases = {"database": args.database}
    else:
        databases = {"SQLite": f"sqlite:///{workdir / 'bench.sqlite3'}"}
        postgres = fresh_postgres()
        if postgres:
            databases["PostgreSQL"] = postgres
    columns = {name: measure(uri, args, workdir / name) for name, uri in databases.items()}
    print_table(columns, args)
    shutil.rmtree(workdir, ignore_errors=True)


def measure(uri: str, args, workdir: Path) -> list[tuple[str, str, str, str, str]]:
    """(label, req/s, p50, p99, ratio to the baseline) of every row, on the database ``uri``."""
    workdir.mkdir(parents=True)
    print(f"database: {uri}\nseeding demo data …", flush=True)
    app = prepare_database(uri)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = workdir / "gunicorn.log"
    server = start_gunicorn(uri, port, args.workers, log)
    cookies: dict[str, str] = {}
    results: list[tuple[str, str, str, str, str]] = []

    def measure_baseline(label: str) -> None:
        rate, p50, p99, _ = wrk(base + "/_bare/", args.seconds, args.connections, None)
        results.append((label, f"{rate:,.0f}", f"{p50:.1f}", f"{p99:.1f}", "100%"))

    try:
        first, warm = first_pdfs(uri, workdir, FIRST_PDF_STARTS)
        results.append(
            (f"新启动 worker 的第一份 PDF /e/poster.pdf（{FIRST_PDF_STARTS}次启动的中位数，ms）", "—", f"{first:.0f}", "—",
             f"{first / warm:.2f}×")
        )  # fmt: skip
        results.append(("其后的 PDF /e/poster.pdf（中位数，ms）", "—", f"{warm:.0f}", "—", "1.00×"))
        results.append(("预热后各 worker 内存", "—", warmed_memory(log), "—", "—"))
        measure_baseline("基线：裸 Flask 页面 /_bare/（同一 gunicorn）")
        # A request context, so that rows may render templates that build URLs; a POST one, because
        # rows write data and on SQLite a writing transaction takes the lock at BEGIN (database.py).
        with app.test_request_context(method="POST"):
            for module in row_modules():
                if args.only and not any(part in module.__name__ for part in args.only.split(",")):
                    continue
                with atomic():
                    items = module.rows(app)
                if args.public:
                    items = public_rows(items)
                for item in items:
                    # No transaction of this process may stay open while the server is measured:
                    # on SQLite it would hold the write lock the server's writers wait for.
                    db.session.rollback()
                    print(f"· {item.label}", flush=True)
                    if isinstance(item, Prepare):
                        with atomic():
                            item.func()
                    elif isinstance(item, TimedRow):
                        times = []
                        for _ in range(item.repeat):
                            started = time.perf_counter()
                            item.func()
                            times.append((time.perf_counter() - started) * 1000)
                        results.append((item.label, "—", f"{statistics.median(times):.0f}（中位数）", "—", "—"))
                    elif isinstance(item, HttpRow):
                        cookie = None
                        if item.user:
                            cookie = cookies.setdefault(item.user, login_cookie(base, item.user))
                        elif item.returning:
                            cookie = visitor_cookie(base, item.path)
                        results.append(measure_page(base, item, cookie, args))
        measure_baseline("基线（结束时再测一次）")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return results


def measure_page(base: str, item: HttpRow, cookie: str | None, args) -> tuple[str, str, str, str, str]:
    """The row of one page: ``args.rounds`` pairs of runs, the bare page then this one."""
    ratios, rates, p50s, p99s, errors = [], [], [], [], 0
    for _ in range(args.rounds):
        baseline = wrk(base + "/_bare/", args.seconds, args.connections, None)[0]
        rate, p50, p99, failed = wrk(base + item.path, args.seconds, args.connections, cookie)
        ratios.append(rate / baseline)
        rates.append(rate)
        p50s.append(p50)
        p99s.append(p99)
        errors += failed
    note = f" ⚠ {errors} 个非 2xx/3xx 响应" if errors else ""
    median = statistics.median
    spread = f"（{min(ratios):.0%}–{max(ratios):.0%}）" if args.rounds > 1 else ""
    return (
        item.label + note, f"{median(rates):,.0f}", f"{median(p50s):.1f}", f"{median(p99s):.1f}",
        f"{median(ratios):.0%}{spread}",
    )  # fmt: skip


def public_rows(items: list) -> list:
    """The public pages among ``items`` (a staff member's view of one too), measured on the data
    every run starts with: a Prepare grows the data for the rows after it, so those rows are left
    out with it."""
    kept = []
    for item in items:
        if isinstance(item, Prepare):
            break
        if isinstance(item, HttpRow) and item.path.startswith(PUBLIC_PATHS):
            kept.append(item)
    return kept


def print_table(columns: dict[str, list], args) -> None:
    """One line per row, the databases side by side; a row a database lacks (a warning on its
    label) is matched by position, since every database runs the same rows in the same order."""
    names = list(columns)
    header = "| 行 | " + " | ".join(f"{n} req/s | {n} p50 (ms) / 耗时 | {n} p99 (ms) | {n} 相对基线" for n in names) + " |"
    lines = [
        f"gunicorn {args.workers} workers (sync, serve.conf.py), wrk -t2 -c{args.connections} -d{args.seconds}s, "
        f"{args.rounds} runs of each page, each after a run of the bare page: medians, and the ratios' range; "
        f"{os.cpu_count()} CPU cores; PDF and other in-process rows: median time in ms",
        "",
        header,
        "|---|" + "---:|" * (4 * len(names)),
    ]
    for cells in zip(*columns.values(), strict=True):
        label = cells[0][0]
        lines.append(f"| {label} | " + " | ".join(" | ".join(cell[1:]) for cell in cells) + " |")
    text = "\n".join(lines)
    print("\n" + text)
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "results.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
