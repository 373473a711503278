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
RUNTIME_PACKAGES=(ca-certificates tzdata)
BUILD_PACKAGES=(git build-essential pkg-config libsqlite3-dev)
# What the test suite needs on top: schema checks.
TEST_PACKAGES=(python3 python3-jsonschema)
