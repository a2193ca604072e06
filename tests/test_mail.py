"""The mail adapter against a real SMTP server (aiosmtpd on 127.0.0.1): once, retried, or refused for good."""
import io
import socket
import smtplib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo
from email import message_from_bytes, policy

import pypdf
import pytest

from config import MailConfig
from aiosmtpd.controller import Controller

from mail import (MailboxTransport, PermanentError, RetryPolicy, SmtpTransport, TransientError,
                  build_message, check_address, classify, deliver, read_mailbox, transport_from_config)
from mail.memory_outbox import MemoryOutbox
from notices import render
from notices.mailing import notice_key, outbox_message, queue_notice
from notices.samples import sample
from smtp_support import Recorder, free_port, smtp  # noqa: F401  (the smtp fixture)

T0 = datetime(2026, 3, 13, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SENDER = "枣阳市营商办 <yingshang@zaoyang.example.gov.cn>"


@pytest.fixture(params=["memory", "sqlite"])
def box(request, tmp_path):
    """The outbox: the in-memory one, and the state store's on a real SQLite file when that part is present."""
    if request.param == "memory":
        yield MemoryOutbox()
        return
    try:
        from store import Store
    except ImportError:
        pytest.skip("store.Store not in this tree yet (store branch); the memory outbox ran the same test")
    with Store(f"sqlite:///{tmp_path / 'state.db'}") as store:
        yield store


def waiting(box):
    """Messages that failed for now and wait for their retry time."""
    return [i for i in box.outbox_list("failed") if not i.permanent]


def given_up(box):
    return [i for i in box.outbox_list("failed") if i.permanent]


@pytest.fixture(scope="module")
def supervision():
    return render(sample("supervision_form"))


def transport(server):
    return SmtpTransport("127.0.0.1", server.port, timeout=5)


def flat(s):
    return "".join(s.split())


# --- the message ---------------------------------------------------------------------------------------

def test_message_has_utf8_headers_two_bodies_and_a_chinese_pdf_name(supervision):
    msg = build_message(outbox_message(supervision, ["zhujian@zaoyang.example.gov.cn"], ["a@b.cn"]),
                        sender=SENDER, key="k1", now=T0)
    raw = msg.as_bytes()
    assert raw.isascii(), "headers and bodies are encoded for any SMTP server"
    back = message_from_bytes(raw, policy=policy.default)
    assert back["Subject"] == supervision.subject and back["From"].addresses[0].display_name == "枣阳市营商办"
    assert back["Cc"] == "a@b.cn"
    assert back.get_body(("plain",)).get_content() == supervision.text
    assert "督办单" in back.get_body(("html",)).get_content()
    [att] = list(back.iter_attachments())
    assert att.get_filename() == "督办单_枣营商督〔2026〕12号.pdf"
    assert att.get_content_type() == "application/pdf" and att.get_content() == supervision.pdf
    assert back["Message-ID"] == build_message({"to": ["x@y.cn"], "subject": "", "text": ""},
                                               sender=SENDER, key="k1")["Message-ID"]


def test_base64_attachment_from_a_json_store_is_decoded():
    msg = build_message({"to": ["x@y.cn"], "subject": "s", "text": "t",
                         "attachments": [{"filename": "说明.pdf", "content_type": "application/pdf",
                                          "data": "JVBERi0xLjcg5L2g5aW9"}]}, sender=SENDER)
    assert next(msg.iter_attachments()).get_content() == "%PDF-1.7 你好".encode()


@pytest.mark.parametrize("addr", ["zhujian@zaoyang.gov.cn", "王科长 <wang@zaoyang.gov.cn>", "a.b+c@x-y.cn"])
def test_good_addresses(addr):
    assert "@" in check_address(addr)


@pytest.mark.parametrize("addr", ["", "住建局", "a@", "@b.cn", "a b@c.cn", "a@b..cn", "a@b.cn, c@d.cn"])
def test_bad_addresses_are_permanent(addr):
    with pytest.raises(PermanentError, match="收件地址无效"):
        check_address(addr)


@pytest.mark.parametrize("exc, permanent", [
    (smtplib.SMTPRecipientsRefused({"a@b.cn": (550, b"no such user")}), True),
    (smtplib.SMTPRecipientsRefused({"a@b.cn": (550, b"x"), "c@d.cn": (452, b"full")}), False),
    (smtplib.SMTPDataError(554, b"rejected"), True),
    (smtplib.SMTPDataError(421, b"closing"), False),
    (smtplib.SMTPSenderRefused(451, b"later", "s@x.cn"), False),
    (smtplib.SMTPServerDisconnected("gone"), False),
    (ConnectionRefusedError(111, "refused"), False),
    (socket.timeout("timed out"), False),
    (smtplib.SMTPAuthenticationError(535, b"bad password"), False),
])
def test_errors_are_classified(exc, permanent):
    assert classify(exc).permanent is permanent


# --- delivery over real SMTP ---------------------------------------------------------------------------

def test_a_notice_arrives_once_with_recipient_subject_number_and_a_readable_pdf(smtp, supervision, box):
    key = notice_key("〔2026〕第0012号", "supervision_form", "resolve", 1)
    assert queue_notice(box, key, supervision, ["zhujian@zaoyang.example.gov.cn"], now=T0)
    assert not queue_notice(box, key, supervision, ["zhujian@zaoyang.example.gov.cn"], now=T0), "not again"
    for hour in range(3):  # the scan runs again and again; the notice goes once
        deliver(box, transport(smtp), T0 + timedelta(hours=hour), sender=SENDER)
    [(rcpts, msg)] = smtp.handler.messages
    assert rcpts == ["zhujian@zaoyang.example.gov.cn"]
    assert msg["Subject"] == "【督办单】枣营商督〔2026〕12号 关于编号〔2026〕第0012号企业诉求"
    assert msg["X-Jiesu-Key"] == key
    [att] = list(msg.iter_attachments())
    text = flat("".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(att.get_content())).pages))
    assert "〔2026〕第0012号" in text and "2026年3月18日" in text and "枣营商督〔2026〕12号" in text
    [item] = box.outbox_list("sent")
    assert item.attempts == 1 and item.sent_at == T0


def test_smtp_down_loses_nothing_and_delivers_exactly_once_when_back(smtp, supervision, box):
    for i in range(3):
        box.outbox_enqueue(f"n{i}", outbox_message(supervision, [f"unit{i}@zaoyang.example.gov.cn"]), now=T0)
    smtp.stop()
    retry = RetryPolicy(first=timedelta(minutes=1), cap=timedelta(minutes=10), max_attempts=6)
    report = deliver(box, transport(smtp), T0, sender=SENDER, retry=retry)
    assert len(report.retrying) == 3 and not report.sent and not report.failed
    queued = waiting(box)
    assert len(queued) == 3 and all(i.next_attempt_at == T0 + timedelta(minutes=1) for i in queued)
    assert all("无法连接" in i.last_error for i in queued)
    # Before the backoff has passed nothing is even tried.
    assert deliver(box, transport(smtp), T0 + timedelta(seconds=30), sender=SENDER).retrying == []
    report = deliver(box, transport(smtp), T0 + timedelta(minutes=1), sender=SENDER, retry=retry)
    assert len(report.retrying) == 3
    assert {i.next_attempt_at for i in waiting(box)} == {T0 + timedelta(minutes=3)}, "backoff doubles"
    smtp.start()
    later = T0 + timedelta(minutes=3)
    assert len(deliver(box, transport(smtp), later, sender=SENDER, retry=retry).sent) == 3
    assert deliver(box, transport(smtp), later + timedelta(hours=1), sender=SENDER).sent == []
    got = sorted(r[0] for r, _m in smtp.handler.messages)
    assert got == [f"unit{i}@zaoyang.example.gov.cn" for i in range(3)]
    assert all(i.attempts == 3 for i in box.outbox_list("sent"))


def test_a_550_is_permanent_and_never_retried(smtp, supervision, box):
    box.outbox_enqueue("bad", outbox_message(supervision, ["bad-unit@zaoyang.example.gov.cn"]), now=T0)
    report = deliver(box, transport(smtp), T0, sender=SENDER)
    assert report.failed and not report.retrying
    [item] = given_up(box)
    assert "550" in item.last_error and item.next_attempt_at is None
    for day in range(1, 4):
        assert deliver(box, transport(smtp), T0 + timedelta(days=day), sender=SENDER).failed == []
    assert smtp.handler.messages == [] and given_up(box)[0].attempts == 1
    # A coordinator fixes the address book and asks for a retry: the message goes then, once.
    assert box.outbox_retry(item.id, now=T0 + timedelta(days=4)) == 1
    assert deliver(box, transport(smtp), T0 + timedelta(days=4), sender=SENDER).failed == [item.id]


def test_a_malformed_address_fails_permanently_without_touching_the_server(supervision, box):
    box.outbox_enqueue("typo", outbox_message(supervision, ["住建局邮箱"]), now=T0)
    # port 9 (discard) is closed here: reaching the network would be a transient error, not this one
    report = deliver(box, SmtpTransport("127.0.0.1", 9, timeout=2), T0, sender=SENDER)
    assert report.failed and "收件地址无效" in given_up(box)[0].last_error


def test_a_451_is_retried_and_attempts_are_bounded(smtp, supervision, box):
    box.outbox_enqueue("busy", outbox_message(supervision, ["busy@zaoyang.example.gov.cn"]), now=T0)
    retry = RetryPolicy(first=timedelta(minutes=1), max_attempts=3)
    now = T0
    for _ in range(3):
        deliver(box, transport(smtp), now, sender=SENDER, retry=retry)
        now += timedelta(hours=1)
    [item] = given_up(box)
    assert item.attempts == 3 and "已尝试3次" in item.last_error and "451" in item.last_error
    assert deliver(box, transport(smtp), now + timedelta(days=1), sender=SENDER).sent == []


def test_partly_refused_recipients_are_not_sent_twice(smtp, supervision, box):
    box.outbox_enqueue("mixed", outbox_message(supervision, ["ok@zaoyang.example.gov.cn"],
                                               ["bad@zaoyang.example.gov.cn"]), now=T0)
    deliver(box, transport(smtp), T0, sender=SENDER)
    deliver(box, transport(smtp), T0 + timedelta(days=1), sender=SENDER)
    assert [r for r, _ in smtp.handler.messages] == [["ok@zaoyang.example.gov.cn"]]
    [item] = given_up(box)
    assert "部分收件人被拒收" in item.last_error and "bad@zaoyang.example.gov.cn" in item.last_error


def test_a_crashed_sender_leaves_the_message_claimable_after_the_lease(supervision, box):
    box.outbox_enqueue("k", outbox_message(supervision, ["a@b.cn"]), now=T0)
    [claimed] = box.outbox_claim(T0, 10)  # ...and the process dies before sent/failed
    assert box.outbox_claim(T0 + timedelta(minutes=5), 10) == []
    [again] = box.outbox_claim(T0 + timedelta(minutes=10), 10, stale_after_seconds=600)
    assert again.id == claimed.id and again.attempts == 2


def test_smtp_login_when_configured(supervision):
    from aiosmtpd.smtp import AuthResult

    def authenticator(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=auth_data.login == b"jiesu" and auth_data.password == b"s3cret",
                          handled=False)

    handler, port = Recorder(), free_port()
    ctl = Controller(handler, hostname="127.0.0.1", port=port, authenticator=authenticator,
                     auth_require_tls=False)
    ctl.start()
    try:
        msg = build_message(outbox_message(supervision, ["a@b.cn"]), sender=SENDER)
        with pytest.raises(TransientError, match="535"):
            SmtpTransport("127.0.0.1", port, username="jiesu", password="wrong", timeout=5).send(msg)
        SmtpTransport("127.0.0.1", port, username="jiesu", password="s3cret", timeout=5).send(msg)
    finally:
        ctl.stop()
    assert len(handler.messages) == 1


# --- the local mailbox and configuration -----------------------------------------------------------------

def test_mailbox_is_the_default_and_keeps_whole_messages(tmp_path, supervision, box):
    t = transport_from_config(MailConfig(), tmp_path)
    assert isinstance(t, MailboxTransport)
    queue_notice(box, "a", supervision, ["zhujian@zaoyang.example.gov.cn"], now=T0)
    queue_notice(box, "b", render(sample("reminder_letter")), ["jiaotong@gangnan.example.gov.cn"], now=T0)
    assert len(deliver(box, t, T0, sender=SENDER).sent) == 2
    entries = read_mailbox(tmp_path / "mailbox")
    assert [e.subject[:5] for e in entries] == ["【督办单】", "【提醒敦促"]
    assert entries[0].to == "zhujian@zaoyang.example.gov.cn"
    assert next(entries[0].message.iter_attachments()).get_content() == supervision.pdf
    assert not list((tmp_path / "mailbox").glob(".tmp-*"))


def test_mailbox_that_cannot_be_written_is_a_transient_error(tmp_path, supervision):
    blocker = tmp_path / "mailbox"
    blocker.write_text("a file where the folder should be")
    box = MemoryOutbox()
    queue_notice(box, "a", supervision, ["a@b.cn"], now=T0)
    assert deliver(box, MailboxTransport(blocker), T0, sender=SENDER).retrying
    assert waiting(box)[0].last_error


def test_smtp_from_config_with_password_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("JIESU_SMTP_PASSWORD", "pw")
    t = transport_from_config(MailConfig(host="mail.example.gov.cn", starttls=True, username="jiesu"), tmp_path)
    assert (t.host, t.port, t.security, t.password, t.timeout) == ("mail.example.gov.cn", 587, "starttls", "pw", 30)
    secret = tmp_path / "pw.txt"
    secret.write_text("from-file\n")
    t = transport_from_config(MailConfig(host="h", port=8025, password_file=secret), tmp_path)
    assert (t.port, t.password, t.security) == (8025, "from-file", "none")
    assert transport_from_config(MailConfig(host="h", ssl=True), tmp_path).security == "ssl"


@pytest.fixture(scope="module")
def tls_pair(tmp_path_factory):
    """A throwaway self-signed certificate for 127.0.0.1 (openssl CLI)."""
    import shutil
    import subprocess
    import ssl
    if not shutil.which("openssl"):
        pytest.skip("openssl CLI not installed: cannot make a test certificate")
    d = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(d / "key.pem"), "-out", str(d / "cert.pem"), "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(d / "cert.pem", d / "key.pem")
    client = ssl.create_default_context(cafile=str(d / "cert.pem"))
    return server, client


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_modes_deliver(tls_pair, security, supervision):
    server_ctx, client_ctx = tls_pair
    handler, port = Recorder(), free_port()
    extra = ({"tls_context": server_ctx, "require_starttls": True} if security == "starttls"
             else {"ssl_context": server_ctx})
    ctl = Controller(handler, hostname="127.0.0.1", port=port, **extra)
    ctl.start()
    try:
        msg = build_message(outbox_message(supervision, ["a@b.cn"]), sender=SENDER)
        if security == "starttls":  # the server insists on STARTTLS: plain delivery must not slip through
            with pytest.raises(TransientError, match="530"):
                SmtpTransport("127.0.0.1", port, timeout=5).send(msg)
        SmtpTransport("127.0.0.1", port, security=security, timeout=5, ssl_context=client_ctx).send(msg)
    finally:
        ctl.stop()
    assert len(handler.messages) == 1


def test_an_unreachable_server_costs_one_timeout_not_one_per_message(supervision, box):
    """A server that accepts TCP but never greets: the first message times out, the rest are put back untried."""
    import threading
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted = []

    def accept():
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    try:
        for i in range(5):
            box.outbox_enqueue(f"m{i}", outbox_message(supervision, [f"u{i}@b.cn"]), now=T0)
        t = SmtpTransport("127.0.0.1", listener.getsockname()[1], timeout=0.5)
        report = deliver(box, t, T0, sender=SENDER, limit=2)
    finally:
        listener.close()
        for c in accepted:
            c.close()
    assert len(accepted) == 1
    assert len(report.retrying) == 2 and not report.sent and not report.failed
    # the untried rest of the batch waits like the tried one; nothing beyond the first batch was claimed
    assert len(waiting(box)) == 2 and len(box.outbox_list("queued")) == 3


def test_deliver_drains_every_batch_over_one_connection(smtp, supervision, box):
    for i in range(5):
        box.outbox_enqueue(f"m{i}", outbox_message(supervision, [f"u{i}@b.cn"]), now=T0)
    box.outbox_enqueue("bad", outbox_message(supervision, ["bad@b.cn"]), now=T0)
    box.outbox_enqueue("m5", outbox_message(supervision, ["u5@b.cn"]), now=T0)
    report = deliver(box, transport(smtp), T0, sender=SENDER, limit=2)
    assert len(report.sent) == 6 and len(report.failed) == 1, "a 550 in between does not stop the others"
    assert sorted(r[0] for r, _m in smtp.handler.messages) == [f"u{i}@b.cn" for i in range(6)]
    assert smtp.handler.greetings == 1


def test_zero_backoff_does_not_spin(smtp, supervision):
    box = MemoryOutbox()
    box.outbox_enqueue("busy", outbox_message(supervision, ["busy@b.cn"]), now=T0)
    retry = RetryPolicy(first=timedelta(0), max_attempts=50)
    report = deliver(box, transport(smtp), T0, sender=SENDER, limit=1, retry=retry)
    assert len(report.retrying) == 2 and box.outbox_list("sending") == []
