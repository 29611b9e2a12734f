# Starts a throwaway PostgreSQL cluster on a free loopback port, and stops it on exit.
#
# Source this file, then call `start_postgres` (add `durable` to keep fsync and synchronous
# commits on, as benchmarks need). It exports CHRONICLE_POSTGRES_URL and installs an EXIT trap
# that stops the cluster and deletes its files, whether the script succeeds, fails or is
# interrupted. When initdb and pg_ctl are missing it installs PostgreSQL with apt-get (as root),
# without letting the package create or start a cluster of its own.

chronicle_pg_dir=""
chronicle_pg_user=""
chronicle_pg_bin=""

# Runs a command as the cluster's owner: PostgreSQL refuses to run as root.
chronicle_pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$chronicle_pg_user" -- "$@"
    else
        "$@"
    fi
}

chronicle_pg_find_binaries() {
    local candidate
    for candidate in "$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/pg_ctl)")" \
        $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ] && [ -x "$candidate/postgres" ]; then
            chronicle_pg_bin="$candidate"
            return 0
        fi
    done
    return 1
}

chronicle_pg_install() {
    echo "PostgreSQL is not installed: installing it with apt-get." >&2
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
            sudo="sudo -n"
        else
            echo "Cannot install PostgreSQL: run as root, or install the postgresql package yourself." >&2
            return 1
        fi
    fi
    # Keep the package from creating and starting a cluster of its own: this script starts
    # exactly one, and stops it again.
    $sudo mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" | $sudo tee /etc/postgresql-common/createcluster.conf >/dev/null
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        -o Dpkg::Options::=--force-confold postgresql >/dev/null
}

chronicle_pg_free_port() {
    local port
    for _ in $(seq 1 50); do
        port=$((20000 + RANDOM % 30000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

stop_postgres() {
    if [ -n "$chronicle_pg_dir" ] && [ -d "$chronicle_pg_dir" ]; then
        chronicle_pg_as_owner "$chronicle_pg_bin/pg_ctl" -D "$chronicle_pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
        rm -rf "$chronicle_pg_dir"
        echo "Stopped the throwaway PostgreSQL cluster." >&2
    fi
    chronicle_pg_dir=""
}

start_postgres() {
    local mode="${1:-fast}"
    chronicle_pg_find_binaries || { chronicle_pg_install && chronicle_pg_find_binaries; } || {
        echo "PostgreSQL's initdb and pg_ctl cannot be found." >&2
        return 1
    }

    if [ "$(id -u)" -eq 0 ]; then
        if id postgres >/dev/null 2>&1; then
            chronicle_pg_user=postgres
        else
            chronicle_pg_user=chronicle-pg
            id "$chronicle_pg_user" >/dev/null 2>&1 ||
                useradd --system --no-create-home --shell /usr/sbin/nologin "$chronicle_pg_user"
        fi
    else
        chronicle_pg_user="$(id -un)"
    fi

    chronicle_pg_dir="$(mktemp -d /tmp/chronicle-pg.XXXXXX)"
    trap stop_postgres EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    chmod 755 "$chronicle_pg_dir"
    [ "$(id -u)" -eq 0 ] && chown "$chronicle_pg_user" "$chronicle_pg_dir"

    chronicle_pg_as_owner "$chronicle_pg_bin/initdb" -D "$chronicle_pg_dir/data" -U chronicle -A trust \
        -E UTF8 --locale=C >"$chronicle_pg_dir/initdb.log" 2>&1 || {
        cat "$chronicle_pg_dir/initdb.log" >&2
        return 1
    }

    local settings="-c listen_addresses=127.0.0.1 -c unix_socket_directories=$chronicle_pg_dir -c max_connections=500"
    if [ "$mode" != durable ]; then
        # Tests need correctness, not crash safety: skip the disk flushes.
        settings="$settings -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    local port attempt
    for attempt in 1 2 3 4 5; do
        port="$(chronicle_pg_free_port)" || break
        if chronicle_pg_as_owner "$chronicle_pg_bin/pg_ctl" -D "$chronicle_pg_dir/data" -w -t 60 \
            -l "$chronicle_pg_dir/postgres.log" -o "$settings -c port=$port" start >/dev/null 2>&1; then
            export CHRONICLE_POSTGRES_URL="postgres://chronicle@127.0.0.1:$port/postgres?sslmode=disable"
            echo "Started a throwaway PostgreSQL $("$chronicle_pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($mode)." >&2
            return 0
        fi
    done
    echo "PostgreSQL did not start:" >&2
    tail -n 20 "$chronicle_pg_dir/postgres.log" >&2 || true
    return 1
}
