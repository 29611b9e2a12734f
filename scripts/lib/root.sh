# Runs a command as root: directly when the script runs as root, with passwordless sudo
# otherwise. Fails with a message naming what to install by hand when neither is possible.
#
#   as_root "the postgresql package" apt-get install -y postgresql
as_root() {
    local what="$1"
    shift
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        echo "Cannot install $what: run as root, or install it yourself." >&2
        return 1
    fi
}
