"""An SMTP sink (aiosmtpd) on 127.0.0.1 for the queue's tests and `make cluster`: it accepts every message (or
answers each with a set reply, e.g. "451 try later") and keeps, per message, its X-Order-Email-Key and recipients.

As a process: ``python -m oms.bench.smtp_sink PORT FILE [HOLD]`` appends one JSON line per message to FILE; while
the file HOLD exists, it keeps each message it has received 2 s before answering (a provider slow to say "250"),
so that `make cluster` can kill a worker between the message reaching the sink and the worker hearing of it."""

import asyncio
import json
import sys
import threading
import time
from email import message_from_bytes
from pathlib import Path

from aiosmtpd.controller import Controller

KEY_HEADER = "X-Order-Email-Key"  # orders.emails.KEY_HEADER (the tooling imports no app)


class SinkHandler:
    def __init__(self, *, reply: str = "250 Message accepted", log: Path | None = None, hold: Path | None = None):
        self.reply = reply
        self.log = log
        self.hold = hold
        self.received: list[dict] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        if not self.reply.startswith("250"):
            return self.reply
        message = message_from_bytes(envelope.original_content or envelope.content)
        entry = {"key": message.get(KEY_HEADER, ""), "to": list(envelope.rcpt_tos),
                 "subject": message.get("Subject", ""), "at": time.time()}
        with self.lock:
            self.received.append(entry)
            if self.log:
                with self.log.open("a") as output:
                    output.write(json.dumps(entry) + "\n")
        if self.hold and self.hold.exists():
            await asyncio.sleep(2)
        return self.reply


def start_sink(port: int, **options) -> tuple[Controller, SinkHandler]:
    handler = SinkHandler(**options)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, handler


def read_log(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


if __name__ == "__main__":
    sink, _ = start_sink(int(sys.argv[1]), log=Path(sys.argv[2]), hold=Path(sys.argv[3]) if len(sys.argv) > 3 else None)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        sink.stop()
