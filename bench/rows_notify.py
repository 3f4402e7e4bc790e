"""Benchmark rows of the notification outbox: with 100,000 messages queued, how many one sender
sends per second to an SMS gateway that answers at once (a loopback server in this process); and
what queueing its SMS adds to a sign-up (the service call, one unit of work, with and without the
outbox write). Run last (ORDER): it leaves 100,000 rows in the outbox."""

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

from sqlalchemy import func, insert, select

from bench.api import Prepare, TimedRow
from hubapp import clock
from hubapp.blueprints.notify.models import OutboxMessage
from hubapp.blueprints.notify.sender import Sender
from hubapp.blueprints.sessions import notices, signup
from hubapp.blueprints.sessions.models import SCHEDULED, Session
from hubapp.blueprints.sessions.signup import SignupData
from hubapp.database import atomic
from hubapp.extensions import db

ORDER = 95
QUEUED = 100_000
#: Messages one timed run sends; the rest stay queued, due later, so the outbox stays this full.
PER_RUN = 1_000
RUNS = 3
SIGNUPS = 20


class _InstantGateway(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        body = json.dumps({"code": "0"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _fill_outbox(start) -> None:
    """QUEUED text messages, one due each second from ``start``: run k of the sender, its clock
    at ``start`` + (k+1)·PER_RUN seconds, finds exactly PER_RUN of them due."""
    rows = []
    for n in range(QUEUED):
        rows.append(
            dict(channel="sms", recipient=f"139{n:08d}", mentions="", text=f"基准测试短信第{n}条：您报名的活动有更新。",
                 link=None, event="bench.queued", object_type="bench", object_id=str(n), dedupe_key=f"bench:{n}",
                 created_at=start, due_at=start + timedelta(seconds=n), attempts=0, recorded_only=False)
        )  # fmt: skip
        if len(rows) == 5_000:
            db.session.execute(insert(OutboxMessage), rows)
            rows = []
    if rows:
        db.session.execute(insert(OutboxMessage), rows)


def _upcoming() -> Session:
    stmt = select(Session).where(Session.status == SCHEDULED, Session.start_at > clock.now()).order_by(Session.start_at)
    return db.session.scalar(stmt.limit(1))


def rows(app) -> list:
    start = clock.now().replace(microsecond=0)
    runs = {"done": 0}
    signed = {"n": 0}
    session_id = _upcoming().id

    def send_batch():
        runs["done"] += 1
        horizon = start + timedelta(seconds=runs["done"] * PER_RUN - 1)
        server = ThreadingHTTPServer(("127.0.0.1", 0), _InstantGateway)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        settings = dict(NOTIFY_SMS_SEND=True, NOTIFY_SMS_URL=f"http://127.0.0.1:{server.server_port}/sms",
                        NOTIFY_SMS_HOURS="00:00-23:59")  # fmt: skip
        saved = {key: app.config[key] for key in settings}
        app.config.update(settings)
        try:
            started = time.perf_counter()
            tally = Sender(now=lambda: horizon).send_due()
            seconds = time.perf_counter() - started
        finally:
            app.config.update(saved)
            server.shutdown()
            server.server_close()
        waiting = db.session.scalar(select(func.count()).where(OutboxMessage.sent_at.is_(None)))
        db.session.rollback()
        print(f"  sent {tally.sent} in {seconds:.2f} s = {tally.sent / seconds:,.0f} 条/秒; {waiting:,} still queued", flush=True)

    def sign_up():
        signed["n"] += 1
        data = SignupData(enterprise_name=f"威海基准报名企业{signed['n']:03d}有限公司", attendee_name="基准测试",
                          phone=f"136{signed['n']:08d}", position="经理")  # fmt: skip
        with atomic():
            signup.register(None, db.session.get(Session, session_id), data)

    def sign_up_without_outbox():
        with mock.patch.object(notices, "tell", lambda *args, **kwargs: None):
            sign_up()

    return [
        Prepare(f"通知：outbox 写入 {QUEUED:,} 条待发短信", lambda: _fill_outbox(start)),
        TimedRow(f"通知：一个发送程序发送 {PER_RUN:,} 条（outbox 中约 {QUEUED:,} 条排队，网关即时应答；条/秒见输出）", send_batch, RUNS),
        TimedRow("通知：公开报名一次（服务调用，含写入 outbox 短信）", sign_up, SIGNUPS),
        TimedRow("通知：公开报名一次（同上，不写 outbox）", sign_up_without_outbox, SIGNUPS),
    ]
