# Stops the background processes a script started: sends each SIGTERM, then waits for all of
# them, ignoring those already gone.
#
#   stop_processes "${nodes[@]}"
stop_processes() {
    local pid
    for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
    for pid in "$@"; do wait "$pid" 2>/dev/null || true; done
}
