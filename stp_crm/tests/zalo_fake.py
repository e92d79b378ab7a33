"""A small fake of Zalo's API (the endpoints STP CRM calls), served on 127.0.0.1 by the tests."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class FakeZalo:
    """Records every request and answers from ``answers[path]`` (a list consumed in
    order; the last one stays), else the default answer of the path."""

    def __init__(self):
        self.requests = []
        self.answers = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def answer(self, path, *answers):
        """Next answers of ``path``: ``(status, body)`` pairs."""
        self.answers[path] = list(answers)

    def calls(self, path):
        return [request for request in self.requests if request["path"] == path]

    def _next(self, path):
        queue = self.answers.get(path)
        if queue:
            return queue.pop(0) if len(queue) > 1 else queue[0]
        if path == "/v4/oa/access_token":
            return 200, {"access_token": "new-access", "refresh_token": "new-refresh", "expires_in": "90000"}
        if path == "/message/template":
            return 200, {
                "error": 0,
                "message": "Success",
                "data": {
                    "msg_id": f"zmsg-{len(self.requests)}",
                    "sent_time": "1798000000000",
                    "quota": {"dailyQuota": "500", "remainingQuota": "499"},
                },
            }
        if path == "/v3.0/oa/message/cs":
            return 200, {"error": 0, "message": "Success", "data": {"message_id": "cs-1"}}
        return 404, {"error": 404, "message": "not found"}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                content_type = self.headers.get("Content-Type", "")
                if "json" in content_type:
                    body = json.loads(raw or "null")
                else:
                    body = {key: values[0] for key, values in parse_qs(raw).items()}
                fake.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                status, answer = fake._next(self.path)
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_args):
                pass

        return Handler
