#!/usr/bin/env python3
"""Reads an e-mail file (RFC 5322 + MIME) with Python's own email package and prints what a mail
program would show, as JSON (to stdout, or to the file named second): subject, from, to (display names decoded), message_id, date, the
text and HTML parts decoded, and every physical line's length. The notice tests use it to read
back what the SMTP server received with a parser the project did not write."""
import email
import email.policy
import email.utils
import json
import sys


def text(value):
    """A header value as a mail program shows it: raw UTF-8 in a header (RFC 6532, which an
    SMTPUTF8 message may carry) comes out of the email package surrogate-escaped; undo that."""
    return str(value).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def main(path, target=None):
    with open(path, "rb") as f:
        raw = f.read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    parts = {}
    for part in msg.walk():
        if part.get_content_maintype() == "multipart":
            continue
        parts[part.get_content_type()] = {"content": part.get_content().replace("\r\n", "\n"), "charset": part.get_content_charset(), "encoding": part["Content-Transfer-Encoding"]}
    out = {
        "subject": text(msg["Subject"]),
        "from": [{"name": text(a.display_name), "address": text(a.addr_spec)} for a in msg["From"].addresses],
        "to": [{"name": text(a.display_name), "address": text(a.addr_spec)} for a in msg["To"].addresses],
        "message_id": str(msg["Message-ID"]),
        "date": email.utils.parsedate_to_datetime(str(msg["Date"])).isoformat(),
        "content_type": msg.get_content_type(),
        "headers": [k for k in msg.keys()],
        "defects": [type(d).__name__ for d in msg.defects] + [type(d).__name__ for p in msg.walk() for d in p.defects],
        "parts": parts,
        "longest_line": max((len(l) for l in raw.split(b"\r\n")), default=0),
        "bare_lf": raw.replace(b"\r\n", b"").count(b"\n"),
        "non_ascii_bytes": sum(1 for b in raw if b >= 0x80),
    }
    if target:
        with open(target, "w", encoding="utf-8") as f:
            json.dump(out, f, ensure_ascii=False)
    else:
        json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
