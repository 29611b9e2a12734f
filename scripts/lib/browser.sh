# Makes a headless Chromium and its WebDriver available to the browser tests.
#
# Source this file, then call `require_browser`: it installs Debian's `chromium` and
# `chromium-driver` with apt-get (as root, or with passwordless sudo) when either is missing,
# exports CHRONICLE_REQUIRE_BROWSER (so the browser tests fail rather than skip without one)
# and CHRONICLE_SCREENSHOTS (a fresh folder for the tests' screenshots), and prints that folder.
# The tests start and stop chromedriver themselves, on a free loopback port.

source "$(dirname "${BASH_SOURCE[0]}")/root.sh"

require_browser() {
    if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
        echo "Chromium is not installed: installing chromium and chromium-driver with apt-get." >&2
        local packages="chromium and chromium-driver"
        as_root "$packages" env DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
        as_root "$packages" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            chromium chromium-driver >/dev/null
    fi
    export CHRONICLE_REQUIRE_BROWSER=1
    CHRONICLE_SCREENSHOTS="$(pwd)/.build/screenshots"
    rm -rf "$CHRONICLE_SCREENSHOTS"
    mkdir -p "$CHRONICLE_SCREENSHOTS"
    export CHRONICLE_SCREENSHOTS
    echo "Browser tests write their screenshots to $CHRONICLE_SCREENSHOTS" >&2
}
