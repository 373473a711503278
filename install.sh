#!/usr/bin/env bash
# Sets up packstation on a Debian 12 box and starts it: Debian packages, a release build, the
# binary in /usr/local/bin, the agent's user, /etc/packstation/station.toml (defaults), the udev
# rules and the systemd unit (started at once and at every boot). `./install.sh --kiosk` also
# sets up the screen (cage + Chromium on the kiosk page). Idempotent: run it again after
# `git pull` to upgrade.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/lib.sh

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then exec sudo -- "$0" "$@"; fi
    echo "error: install.sh installs system packages and files; run it as root." >&2
    exit 1
fi

ensure_apt_packages "${RUNTIME_PACKAGES[@]}" "${BUILD_PACKAGES[@]}"
ensure_swift

echo "building packstation (release)…"
# The Swift runtime is linked in, so the installed binary does not depend on the toolchain.
# packstation-hub (the reference central server) comes along: scripts/demo.sh and small sites use it.
swift build -c release --product packstation --static-swift-stdlib
swift build -c release --product packstation-hub --static-swift-stdlib
bindir="$(swift build -c release --static-swift-stdlib --show-bin-path)"
for tool in packstation packstation-hub; do
    install -s -m 0755 "$bindir/$tool" "/usr/local/bin/$tool.new"
    mv -f "/usr/local/bin/$tool.new" "/usr/local/bin/$tool"
done
echo "installed /usr/local/bin/packstation ($(/usr/local/bin/packstation --version)) and /usr/local/bin/packstation-hub"

# The agent's own user: scanners (input), USB printers and CUPS (lp); the udev rules give
# group packstation the scanners' event nodes.
getent group packstation >/dev/null || groupadd --system packstation
if ! id packstation >/dev/null 2>&1; then
    useradd --system --gid packstation --groups input,lp --home-dir /var/lib/packstation --no-create-home \
        --shell /usr/sbin/nologin --comment "packstation bench agent" packstation
else
    usermod -a -G input,lp packstation
fi
install -d -m 0750 -o packstation -g packstation /var/lib/packstation
install -d -m 0755 /etc/packstation
if [ ! -e /etc/packstation/station.toml ]; then
    # The documented defaults, with the installed data directory; root-owned, readable by the
    # agent only (it may hold the server token).
    sed 's|^# data_dir = .*|data_dir = "/var/lib/packstation"|' examples/station.toml > /etc/packstation/station.toml
    chown root:packstation /etc/packstation/station.toml
    chmod 0640 /etc/packstation/station.toml
    echo "wrote /etc/packstation/station.toml (defaults; see docs/configuration.md)"
fi
/usr/local/bin/packstation config check --config /etc/packstation/station.toml >/dev/null

install -m 0644 udev/*.rules /etc/udev/rules.d/
if udevadm control --reload 2>/dev/null; then
    udevadm trigger --subsystem-match=input --subsystem-match=usb 2>/dev/null || true
else
    echo "note: udev is not running here; the rules in /etc/udev/rules.d apply from the next boot"
fi
install -m 0644 scripts/systemd/packstation.service /etc/systemd/system/packstation.service

if [ "${1:-}" = "--kiosk" ]; then
    # The screen: cage (a Wayland kiosk compositor) running Chromium on the kiosk page, on tty1,
    # with no login and no autologin.
    ensure_apt_packages "${KIOSK_PACKAGES[@]}"
    getent group packstation-kiosk >/dev/null || groupadd --system packstation-kiosk
    id packstation-kiosk >/dev/null 2>&1 || useradd --system --gid packstation-kiosk --groups video,render,input,audio \
        --create-home --home-dir /var/lib/packstation-kiosk --shell /usr/sbin/nologin --comment "packstation kiosk screen" packstation-kiosk
    install -m 0644 scripts/systemd/packstation-kiosk.service /etc/systemd/system/packstation-kiosk.service
fi

if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl enable packstation.service >/dev/null
    systemctl restart packstation.service
    [ "${1:-}" = "--kiosk" ] && systemctl enable --now packstation-kiosk.service && systemctl set-default graphical.target >/dev/null
    echo "packstation is running (systemctl status packstation; journalctl -u packstation -f);"
    echo "kiosk page: http://127.0.0.1:8470/"
else
    # A container or CI box: no systemd to start it at boot. Start it now in the background,
    # as its own user, and say how to manage it.
    echo "note: systemd is not PID 1 here (a container or CI box?), so the unit is installed but not started."
    install -d -m 0755 -o packstation -g packstation /var/log/packstation /run/packstation
    if [ -s /run/packstation/agent.pid ] && kill -0 "$(cat /run/packstation/agent.pid)" 2>/dev/null; then
        kill "$(cat /run/packstation/agent.pid)"
        for _ in $(seq 50); do kill -0 "$(cat /run/packstation/agent.pid)" 2>/dev/null || break; sleep 0.1; done
    fi
    cd /var/lib/packstation
    setsid runuser -u packstation -- env PACKSTATION_DATA_DIR=/var/lib/packstation \
        /usr/local/bin/packstation run --config /etc/packstation/station.toml \
        </dev/null >>/var/log/packstation/agent.log 2>&1 &
    echo $! > /run/packstation/agent.pid
    cd - >/dev/null
    sleep 1
    if kill -0 "$(cat /run/packstation/agent.pid)" 2>/dev/null; then
        echo "started the agent in the background instead: PID $(cat /run/packstation/agent.pid), log /var/log/packstation/agent.log,"
        echo "kiosk page http://127.0.0.1:8470/. Stop it with: kill \$(cat /run/packstation/agent.pid)"
        echo "To run it in the foreground instead: runuser -u packstation -- packstation run --config /etc/packstation/station.toml"
    else
        echo "error: the agent did not start; its log says:" >&2
        tail -n 20 /var/log/packstation/agent.log >&2
        exit 1
    fi
fi
