"""A real SMTP server for tests (aiosmtpd on 127.0.0.1): records what it accepts, refuses bad-* recipients
with 550 and busy-* with 451, and stops and starts on the same port to play an outage."""
from __future__ import annotations

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller


class Recorder:
    """aiosmtpd handler: keeps every accepted message; answers 550 for bad-*, 451 for busy-* recipients."""

    def __init__(self):
        self.messages = []
        self.greetings = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.greetings += 1  # one EHLO per plain connection
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bad"):
            return "550 5.1.1 mailbox unavailable"
        if address.startswith("busy"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    """A real SMTP server on 127.0.0.1; stop() and start() simulate an outage on the same port."""

    def __init__(self):
        self.port, self.handler, self.controller = free_port(), Recorder(), None

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return self.handler.messages


@pytest.fixture
def smtp():
    """A running SMTP server (SmtpServer)."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()
