# Shared helpers for install.sh and scripts/*.sh (sourced, not run).

# Installs the Debian packages that are missing, running `apt-get update` only when needed.
ensure_apt_packages() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "error: missing Debian packages: ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}" >&2
        return 1
    fi
    echo "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y --no-install-recommends "${missing[@]}" </dev/null; then
        apt-get update </dev/null
        apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
    fi
}

# Finds the Swift toolchain (not packaged by Debian) or says where to get it.
ensure_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        for dir in /opt/swift/usr/bin /usr/share/swift/usr/bin; do
            [ -x "$dir/swift" ] && export PATH="$dir:$PATH" && break
        done
    fi
    if ! command -v swift >/dev/null 2>&1; then
        echo "error: no Swift toolchain found. Install Swift 6.1 or later (https://www.swift.org/install/linux/) into /opt/swift and run again." >&2
        return 1
    fi
}

# The Debian packages the agent needs at run time and to build.
RUNTIME_PACKAGES=(ca-certificates tzdata libevdev2 libudev1 libxkbcommon0 xkb-data libx11-data)
BUILD_PACKAGES=(git build-essential pkg-config libsqlite3-dev libevdev-dev libudev-dev libxkbcommon-dev)
# What the test suite needs on top: schema checks; gdb for the stacks scripts/watchdog.py prints
# when a step hangs.
TEST_PACKAGES=(python3 python3-jsonschema udev gdb)
# Labels: cairo + pango (PDF/PNG), libzint (barcode geometry), fonts for Unicode addresses;
# the label checks decode with zbar and poppler and install zxing-cpp/zplkit into a venv.
RUNTIME_PACKAGES+=(libcairo2 libpango-1.0-0 libpangocairo-1.0-0 libzint2.11 fonts-noto-core fonts-noto-cjk)
BUILD_PACKAGES+=(libcairo2-dev libpango1.0-dev libzint-dev)
# Carriers' PDFs (page sizes, rasters for ZPL printers, previews) through poppler-glib; the PDF
# tests compare with pdfinfo and make object-stream and encrypted PDFs with qpdf.
RUNTIME_PACKAGES+=(libpoppler-glib8)
BUILD_PACKAGES+=(libpoppler-glib-dev)
TEST_PACKAGES+=(qpdf)
# The ZPL preview: zlib for :Z64: graphics; Nimbus Sans Narrow (URW) and DejaVu Sans Condensed
# stand in for the printer's condensed font 0, DejaVu Sans Mono for its bitmap fonts A-H.
RUNTIME_PACKAGES+=(zlib1g fonts-urw-base35 fonts-dejavu-core)
BUILD_PACKAGES+=(zlib1g-dev)
# Printing: raw USB printers through libusb-1.0.
RUNTIME_PACKAGES+=(libusb-1.0-0)
BUILD_PACKAGES+=(libusb-1.0-0-dev)
TEST_PACKAGES+=(zbar-tools poppler-utils python3-venv)
# Printing: CUPS through libcups2; the tests run a private cupsd (scripts/peers/cupsd.py) and
# ippeveprinter behind a private dbus + avahi.
RUNTIME_PACKAGES+=(libcups2)
BUILD_PACKAGES+=(libcups2-dev)
TEST_PACKAGES+=(cups cups-client cups-ipp-utils dbus-daemon avahi-daemon)
# The kiosk screen (install.sh --kiosk): a Wayland kiosk compositor and Chromium.
KIOSK_PACKAGES=(cage chromium fonts-noto-core)
# kiosk.sound = "speaker": the agent plays feedback tones with aplay.
RUNTIME_PACKAGES+=(alsa-utils)
# The kiosk page test drives headless Chromium through chromedriver (selenium from PyPI).
TEST_PACKAGES+=(chromium chromium-driver)
# The carrier corpus (scripts/make-carrier-corpus.py) draws PDFs with ReportLab and pycairo and
# rewrites one with qpdf's object streams.
TEST_PACKAGES+=(python3-reportlab python3-cairo qpdf)
