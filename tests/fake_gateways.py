"""A fake 企业微信 robot and a fake SMS gateway on loopback: threading http.server instances that
keep every request they receive and answer what the test tells them to."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class FakeGateway:
    def __init__(self):
        self.received: list[dict] = []
        self.paths: list[str] = []
        #: What the next requests get: a JSON answer, or an HTTP status when it is an int.
        self.answers: list = []
        self.default_answer: dict | int = {"errcode": 0, "errmsg": "ok"}
        self._lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.headers["Content-Type"].startswith("application/json"):
                    data = json.loads(body)
                else:
                    data = {key: values[0] for key, values in parse_qs(body.decode()).items()}
                with gateway._lock:
                    gateway.received.append(data)
                    gateway.paths.append(self.path)
                    answer = gateway.answers.pop(0) if gateway.answers else gateway.default_answer
                if isinstance(answer, int):
                    self.send_response(answer)
                    self.end_headers()
                    return
                payload = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/cgi-bin/webhook/send?key=test-robot") -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
