#!/usr/bin/env bash
# The SMTP test peer's Python (scripts/peers/smtp_sink.py needs aiosmtpd from PyPI): a venv at
# .venv-smtp in the repository root, which Tests/TestPeers/SMTPSinkPeer.swift looks for.
# Idempotent: a venv that already has the pinned aiosmtpd is left as it is (~0.3 s); a new one
# takes ~5-10 s. Needs python3-venv (scripts/lib.sh TEST_PACKAGES).
set -euo pipefail
cd "$(dirname "$0")/../.."
want="1.4.6"
if [ -x .venv-smtp/bin/python ] && .venv-smtp/bin/python -c "import aiosmtpd, sys; sys.exit(0 if aiosmtpd.__version__ == '$want' else 1)" 2>/dev/null; then
    exit 0
fi
python3 -m venv .venv-smtp
.venv-smtp/bin/pip install -q --disable-pip-version-check "aiosmtpd==$want"
.venv-smtp/bin/python -c "import aiosmtpd; print('aiosmtpd', aiosmtpd.__version__, 'in .venv-smtp')"
