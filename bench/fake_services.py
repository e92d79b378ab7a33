"""Local stand-ins for what the crons of `bench/scale_out.sh` talk to, on 127.0.0.1 only.

* a fake Zalo: the one of the tests (stp_crm/tests/zalo_fake.py, token refresh and ZNS
  answers), every request logged as a JSON line in DIR/zalo.jsonl;
* an SMTP sink: accepts every message and keeps nothing but its envelope and headers,
  one JSON line per message in DIR/smtp.jsonl; nothing is relayed anywhere.

Both listen on ports the system picks; the first line printed is
``<zalo base url> <smtp port>``. Stops on SIGTERM/SIGINT or after --max-seconds.

    python3 bench/fake_services.py DIR [--max-seconds 3600]
"""

import argparse
import importlib.util
import json
import signal
import socketserver
import threading
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path

FAKE_ZALO = Path(__file__).resolve().parent.parent / "stp_crm" / "tests" / "zalo_fake.py"


def load_fake_zalo():
    spec = importlib.util.spec_from_file_location("stp_zalo_fake", FAKE_ZALO)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FakeZalo


class JsonLines:
    """A thread-safe JSON-lines file."""

    def __init__(self, path):
        self.file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed at stop
        self.lock = threading.Lock()

    def write(self, record):
        with self.lock:
            self.file.write(json.dumps(record, ensure_ascii=False) + "\n")
            self.file.flush()

    def close(self):
        with self.lock:
            self.file.close()


class LoggedRequests(list):
    """FakeZalo's request list, also written to a JSON-lines file."""

    def __init__(self, log):
        super().__init__()
        self.log = log

    def append(self, request):
        super().append(request)
        headers = {key.lower(): value for key, value in request["headers"].items()}
        self.log.write(
            {
                "path": request["path"],
                "access_token": headers.get("access_token"),
                "tracking_id": (request["body"] or {}).get("tracking_id"),
                "phone": (request["body"] or {}).get("phone"),
            }
        )


class SmtpSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, log):
        self.log = log
        super().__init__(("127.0.0.1", 0), SmtpHandler)


class SmtpHandler(socketserver.StreamRequestHandler):
    """The part of SMTP (RFC 5321) that smtplib's sendmail uses: EHLO/HELO, MAIL, RCPT,
    DATA, RSET, NOOP, QUIT. No STARTTLS, no AUTH offered."""

    def reply(self, text):
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self):
        self.reply("220 stp-load-sink ESMTP")
        sender, recipients = None, []
        while line := self.rfile.readline(65536):
            command = line.decode("utf-8", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.reply("250-stp-load-sink\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 52428800")
            elif verb in ("HELO", "NOOP"):
                self.reply("250 OK")
            elif verb == "MAIL":
                sender, recipients = command.split(":", 1)[1].split()[0], []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].split()[0])
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                data = []
                while (chunk := self.rfile.readline(1 << 20)) and chunk.rstrip(b"\r\n") != b".":
                    data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                headers = BytesHeaderParser(policy=policy.default).parsebytes(b"".join(data))
                self.server.log.write(
                    {
                        "from": sender,
                        "to": recipients,
                        "message_id": headers.get("Message-Id"),
                        "subject": str(headers.get("Subject", "")),
                        "bytes": sum(len(chunk) for chunk in data),
                    }
                )
                sender, recipients = None, []
                self.reply("250 OK queued nowhere")
            elif verb == "RSET":
                sender, recipients = None, []
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--max-seconds", type=float, default=3600)
    args = parser.parse_args()

    zalo_log = JsonLines(args.directory / "zalo.jsonl")
    smtp_log = JsonLines(args.directory / "smtp.jsonl")
    zalo = load_fake_zalo()()
    zalo.requests = LoggedRequests(zalo_log)
    smtp = SmtpSink(smtp_log)
    zalo.start()
    threading.Thread(target=smtp.serve_forever, daemon=True).start()
    print(zalo.url, smtp.server_address[1], flush=True)

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_args: stop.set())
    stop.wait(args.max_seconds)
    zalo.stop()
    smtp.shutdown()
    smtp.server_close()
    zalo_log.close()
    smtp_log.close()


if __name__ == "__main__":
    main()
