#!/usr/bin/env python3
"""A real SMTP server on 127.0.0.1 for the notice tests (aiosmtpd from PyPI, in .venv-smtp made by
scripts/peers/setup-smtp-venv.sh). Each accepted message is stored as DIR/NNNN.eml (the bytes as
received after DATA, dot-unstuffed by aiosmtpd) beside DIR/NNNN.json (envelope: mail_from,
rcpt_tos, tls, tls_mode (implicit|starttls|null), tls_version, smtputf8, auth, ehlo), both written
atomically, .json last. Behaviours for the tests:

  --data-reply CODE     answer this to the next DATA (repeatable, used in order), then accept
  --rcpt-reply ADDR=CODE  answer CODE to RCPT TO:<ADDR> every time (e.g. 550)
  --tls CERT KEY        offer STARTTLS with this certificate; --require-tls refuses mail before it
  --implicit-tls        with --tls: TLS from the first byte instead (smtps, port 465 style):
                        no STARTTLS offered, AUTH allowed at once
  --smtputf8            offer SMTPUTF8 (RFC 6531): non-ASCII addresses are taken; without it a
                        MAIL FROM with SMTPUTF8 is refused (501) and non-ASCII commands get 500
  --auth USER:PASS      require AUTH (PLAIN or LOGIN) with these credentials
  --rcpt-stall SECONDS  wait this long before answering the first RCPT (once: a client cut off
                        mid-conversation)
  --stall SECONDS       wait this long before answering the end of DATA (client timeouts);
                        an accepted message is stored before the wait

Writes `READY port=N pid=N` to --ready-file once listening; stops on SIGTERM.
"""
import argparse
import asyncio
import json
import os
import signal
import ssl
import sys

try:
    from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
except ImportError:
    # Started by Debian's python3 (Tests/TestPeers runs `python3 SCRIPT`): run again in the venv.
    venv = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".venv-smtp")
    python = os.path.join(venv, "bin", "python")
    if os.path.exists(python) and os.path.realpath(sys.prefix) != os.path.realpath(venv):
        os.execv(python, [python] + sys.argv)
    sys.exit("smtp_sink.py needs aiosmtpd from PyPI: run scripts/peers/setup-smtp-venv.sh (makes .venv-smtp)")

REASONS = {
    421: "Service not available, closing channel",
    450: "Mailbox unavailable, try again later",
    451: "Requested action aborted: local error in processing, try again later",
    452: "Insufficient system storage, try again later",
    550: "Mailbox unavailable: no such user here",
    552: "Message exceeds fixed maximum message size",
    553: "Mailbox name not allowed",
    554: "Transaction failed",
}


def reply(code):
    return f"{code} {REASONS.get(code, 'Test reply')}"


class Sink:
    def __init__(self, directory, data_replies, rcpt_replies, stall, rcpt_stall=0):
        self.rcpt_stall = rcpt_stall
        self.directory = directory
        self.data_replies = list(data_replies)
        self.rcpt_replies = rcpt_replies
        self.stall = stall
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_stall:
            stall, self.rcpt_stall = self.rcpt_stall, 0
            await asyncio.sleep(stall)
        code = self.rcpt_replies.get(address.lower())
        if code is not None:
            return reply(code)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_replies:
            if self.stall:
                await asyncio.sleep(self.stall)
            return reply(self.data_replies.pop(0))
        self.count += 1
        stem = os.path.join(self.directory, f"{self.count:04d}")
        # session.ssl is set by STARTTLS only; a connection in TLS from the first byte has its
        # ssl_object on the transport.
        ssl_object = server.transport.get_extra_info("ssl_object") if server.transport else None
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": ssl_object is not None or session.ssl is not None,
            "tls_mode": "starttls" if session.ssl is not None else ("implicit" if ssl_object is not None else None),
            "tls_version": ssl_object.version() if ssl_object is not None else None,
            "smtputf8": bool(envelope.smtp_utf8),
            "auth": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
            "ehlo": session.host_name,
        }
        write_atomically(stem + ".eml", envelope.original_content)
        write_atomically(stem + ".json", json.dumps(meta).encode())
        if self.stall:
            # Stored, then the answer is late: a server that took the message but whose 250 the
            # client never sees (the case where sending again would deliver twice).
            await asyncio.sleep(self.stall)
        return "250 OK: queued as %04d" % self.count


def write_atomically(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


class Authenticator:
    def __init__(self, user, password):
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == self.user and auth_data.password == self.password
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


async def main():
    # A parent may have started us with signals blocked (a thread's mask is inherited): SIGTERM
    # must stop this server.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dir", required=True)
    p.add_argument("--ready-file", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--data-reply", type=int, action="append", default=[])
    p.add_argument("--rcpt-reply", action="append", default=[])
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--require-tls", action="store_true")
    p.add_argument("--implicit-tls", action="store_true")
    p.add_argument("--smtputf8", action="store_true")
    p.add_argument("--auth")
    p.add_argument("--stall", type=float, default=0)
    p.add_argument("--rcpt-stall", type=float, default=0)
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    rcpt = {}
    for item in a.rcpt_reply:
        address, _, code = item.rpartition("=")
        rcpt[address.lower()] = int(code)
    sink = Sink(a.dir, a.data_reply, rcpt, a.stall, a.rcpt_stall)
    context = None
    if a.tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(a.tls[0], a.tls[1])
    if a.implicit_tls and not context:
        sys.exit("--implicit-tls needs --tls CERT KEY")
    implicit = context if a.implicit_tls else None
    kwargs = dict(hostname="sink.test", tls_context=None if implicit else context, require_starttls=a.require_tls and not implicit,
                  timeout=300, enable_SMTPUTF8=a.smtputf8)
    if a.auth:
        user, _, password = a.auth.partition(":")
        # aiosmtpd counts only STARTTLS as TLS for auth_require_tls: under implicit TLS it is not needed.
        kwargs.update(authenticator=Authenticator(user, password), auth_required=True, auth_require_tls=bool(a.tls) and not implicit)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(sink, **kwargs), "127.0.0.1", a.port, ssl=implicit)
    port = server.sockets[0].getsockname()[1]
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    write_atomically(a.ready_file, f"READY port={port} pid={os.getpid()}\n".encode())
    print(f"smtp sink on 127.0.0.1:{port}, messages in {a.dir}", flush=True)
    await stop.wait()
    server.close()


if __name__ == "__main__":
    if sys.version_info < (3, 8):
        sys.exit("smtp_sink.py needs Python 3.8 or later")
    asyncio.run(main())
