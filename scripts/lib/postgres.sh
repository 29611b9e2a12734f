# Starts throwaway PostgreSQL clusters on free loopback ports, and stops them on exit.
#
# Source this file, then call `start_postgres` (add `durable` to keep fsync and synchronous
# commits on, as benchmarks need): it exports CHRONICLE_POSTGRES_URL. `start_outage_postgres`
# starts a second cluster that the fault tests stop, pause and fill, `start_standby` a hot
# standby of the last cluster started, and `start_replicated_postgres` a primary and a standby
# for the replica tests (see below). An EXIT trap stops every cluster started and deletes its
# files, whether the script succeeds, fails or is interrupted. When initdb and pg_ctl are
# missing it installs PostgreSQL with apt-get (as root), without letting the package create or
# start a cluster of its own.

source "$(dirname "${BASH_SOURCE[0]}")/root.sh"

chronicle_pg_dirs=()
chronicle_pg_user=""
chronicle_pg_bin=""
chronicle_pg_dir=""
chronicle_pg_port=""

# Runs a command as the clusters' owner: PostgreSQL refuses to run as root.
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

# Prints the path of a PostgreSQL client tool (psql, pg_basebackup): beside the server's binaries,
# on the PATH, or in the packaged versions' directories.
chronicle_pg_tool() {
    local candidate
    for candidate in "$chronicle_pg_bin/$1" "$(command -v "$1" 2>/dev/null)" $(ls -d /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V -r); do
        if [ -n "$candidate" ] && [ -x "$candidate" ]; then
            echo "$candidate"
            return 0
        fi
    done
    echo "PostgreSQL's $1 cannot be found." >&2
    return 1
}

chronicle_pg_install() {
    echo "PostgreSQL is not installed: installing it with apt-get." >&2
    local package="the postgresql package"
    # Keep the package from creating and starting a cluster of its own: this script starts
    # its own, and stops them again.
    as_root "$package" mkdir -p /etc/postgresql-common || return 1
    echo "create_main_cluster = false" | as_root "$package" tee /etc/postgresql-common/createcluster.conf >/dev/null
    as_root "$package" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root "$package" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
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
    local dir
    for dir in "${chronicle_pg_dirs[@]}"; do
        if [ -d "$dir" ]; then
            # A paused cluster (the fault tests stop its processes) must run again to stop.
            pkill -CONT -f "postgres -D $dir/data" 2>/dev/null || true
            chronicle_pg_as_owner "$chronicle_pg_bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
            rm -rf "$dir"
            echo "Stopped the throwaway PostgreSQL cluster in $dir." >&2
        fi
    done
    chronicle_pg_dirs=()
}

# Prepares the binaries and the clusters' owner, once.
chronicle_pg_prepare() {
    [ -n "$chronicle_pg_bin" ] && return 0
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
    trap stop_postgres EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# Starts a cluster (mode: fast or durable; extra pg_hba lines before the trust line) and sets
# chronicle_pg_dir and chronicle_pg_port.
chronicle_pg_start_cluster() {
    local mode="$1" hba_lines="$2"
    chronicle_pg_prepare || return 1
    chronicle_pg_dir="$(mktemp -d /tmp/chronicle-pg.XXXXXX)"
    chronicle_pg_dirs+=("$chronicle_pg_dir")
    chmod 755 "$chronicle_pg_dir"
    [ "$(id -u)" -eq 0 ] && chown "$chronicle_pg_user" "$chronicle_pg_dir"

    chronicle_pg_as_owner "$chronicle_pg_bin/initdb" -D "$chronicle_pg_dir/data" -U chronicle -A trust \
        -E UTF8 --locale=C >"$chronicle_pg_dir/initdb.log" 2>&1 || {
        cat "$chronicle_pg_dir/initdb.log" >&2
        return 1
    }
    if [ -n "$hba_lines" ]; then
        { printf '%s\n' "$hba_lines"; cat "$chronicle_pg_dir/data/pg_hba.conf"; } >"$chronicle_pg_dir/hba"
        chronicle_pg_as_owner cp "$chronicle_pg_dir/hba" "$chronicle_pg_dir/data/pg_hba.conf"
    fi

    local settings="-c listen_addresses=127.0.0.1 -c unix_socket_directories=$chronicle_pg_dir -c max_connections=500"
    if [ "$mode" != durable ]; then
        # Tests need correctness, not crash safety: skip the disk flushes.
        settings="$settings -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    local port
    for _ in 1 2 3 4 5; do
        port="$(chronicle_pg_free_port)" || break
        echo "$settings -c port=$port" >"$chronicle_pg_dir/settings"
        if chronicle_pg_as_owner "$chronicle_pg_bin/pg_ctl" -D "$chronicle_pg_dir/data" -w -t 60 \
            -l "$chronicle_pg_dir/postgres.log" -o "$settings -c port=$port" start >/dev/null 2>&1; then
            chronicle_pg_port="$port"
            echo "Started a throwaway PostgreSQL $("$chronicle_pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($mode)." >&2
            return 0
        fi
    done
    echo "PostgreSQL did not start:" >&2
    tail -n 20 "$chronicle_pg_dir/postgres.log" >&2 || true
    return 1
}

start_postgres() {
    chronicle_pg_start_cluster "${1:-fast}" "" || return 1
    export CHRONICLE_POSTGRES_URL="postgres://chronicle@127.0.0.1:$chronicle_pg_port/postgres?sslmode=disable"
    # Where the client tools are: the personal-data tests search a pg_dump of their schema.
    export CHRONICLE_POSTGRES_BIN="$chronicle_pg_bin"
}

# Writes $1/control, a script that controls the cluster in $1 (port $2): `stop`, `start`,
# `pause` (SIGSTOP: connections stay open, nothing answers), `resume`, or `sql <statement>` (as
# its superuser).
chronicle_pg_write_control() {
    local dir="$1" port="$2"
    cat >"$dir/control" <<EOF
#!/usr/bin/env bash
# Controls the PostgreSQL cluster in $dir.
set -euo pipefail
as_owner() { if [ "\$(id -u)" -eq 0 ]; then runuser -u "$chronicle_pg_user" -- "\$@"; else "\$@"; fi; }
case "\$1" in
    stop) as_owner "$chronicle_pg_bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null ;;
    start) as_owner "$chronicle_pg_bin/pg_ctl" -D "$dir/data" -w -t 60 -l "$dir/postgres.log" -o "\$(cat "$dir/settings")" start >/dev/null ;;
    pause) pkill -STOP -f "postgres -D $dir/data" || true; pkill -STOP -P "\$(head -1 "$dir/data/postmaster.pid")" || true ;;
    resume) pkill -CONT -P "\$(head -1 "$dir/data/postmaster.pid")" || true; pkill -CONT -f "postgres -D $dir/data" || true ;;
    sql) psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $port -U chronicle -d postgres -c "\$2" ;;
    *) echo "usage: \$0 stop|start|pause|resume|sql <statement>" >&2; exit 64 ;;
esac
EOF
    chmod 755 "$dir/control"
}

# A second cluster for the fault tests, which stop and pause it and fill its disk:
#   CHRONICLE_OUTAGE_POSTGRES_URL      a URL on it (user chronicle, trusted);
#   CHRONICLE_OUTAGE_POSTGRES_CONTROL  a script: `stop`, `start`, `pause`, `resume`, or `sql <statement>`;
#   CHRONICLE_POSTGRES_OWNER           the operating-system user that owns its files.
# The role `guarded` (password `right-password`) must authenticate with a password, for the
# tests of a wrong password.
start_outage_postgres() {
    chronicle_pg_start_cluster fast "host all guarded 127.0.0.1/32 scram-sha-256" || return 1
    local dir="$chronicle_pg_dir" port="$chronicle_pg_port"
    chronicle_pg_write_control "$dir" "$port"
    "$dir/control" sql "CREATE ROLE guarded LOGIN PASSWORD 'right-password'" >/dev/null
    export CHRONICLE_OUTAGE_POSTGRES_URL="postgres://chronicle@127.0.0.1:$port/postgres?sslmode=disable"
    export CHRONICLE_OUTAGE_POSTGRES_CONTROL="$dir/control"
    export CHRONICLE_POSTGRES_OWNER="$chronicle_pg_user"
}

# A primary and its hot standby for the replica tests, apart from the cluster the other tests
# share, so that the standby replays only what those tests write, and they may stop it:
#   CHRONICLE_REPLICATED_POSTGRES_URL   a URL on the primary;
#   CHRONICLE_STANDBY_POSTGRES_URL and CHRONICLE_STANDBY_POSTGRES_CONTROL (see start_standby).
start_replicated_postgres() {
    chronicle_pg_start_cluster fast "" || return 1
    export CHRONICLE_REPLICATED_POSTGRES_URL="postgres://chronicle@127.0.0.1:$chronicle_pg_port/postgres?sslmode=disable"
    start_standby
}

# A hot standby of the cluster started last, made with `pg_basebackup -R`: it streams that
# cluster's WAL and answers read-only queries, on a port of its own. Exports
#   CHRONICLE_STANDBY_POSTGRES_URL      a URL on it;
#   CHRONICLE_STANDBY_POSTGRES_CONTROL  its control script (see chronicle_pg_write_control).
# Stopped on exit with the others.
start_standby() {
    local primary_dir="$chronicle_pg_dir" primary_port="$chronicle_pg_port"
    [ -n "$primary_port" ] || { echo "start_standby: start a primary first" >&2; return 1; }
    local dir
    dir="$(mktemp -d /tmp/chronicle-pg-standby.XXXXXX)"
    chronicle_pg_dirs+=("$dir")
    chmod 755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown "$chronicle_pg_user" "$dir"
    local basebackup
    basebackup="$(chronicle_pg_tool pg_basebackup)" || return 1
    chronicle_pg_as_owner "$basebackup" -h 127.0.0.1 -p "$primary_port" -U chronicle \
        -D "$dir/data" -R -X stream -c fast >"$dir/basebackup.log" 2>&1 || {
        cat "$dir/basebackup.log" >&2
        return 1
    }
    # The primary's settings, but its own socket directory and port.
    local settings port
    settings="$(sed -e "s| -c port=[0-9]*||" -e "s|unix_socket_directories=[^ ]*|unix_socket_directories=$dir|" "$primary_dir/settings")"
    for _ in 1 2 3 4 5; do
        port="$(chronicle_pg_free_port)" || break
        echo "$settings -c port=$port" >"$dir/settings"
        if chronicle_pg_as_owner "$chronicle_pg_bin/pg_ctl" -D "$dir/data" -w -t 60 \
            -l "$dir/postgres.log" -o "$settings -c port=$port" start >/dev/null 2>&1; then
            echo "Started a hot standby of 127.0.0.1:$primary_port on 127.0.0.1:$port." >&2
            chronicle_pg_write_control "$dir" "$port"
            export CHRONICLE_STANDBY_POSTGRES_URL="postgres://chronicle@127.0.0.1:$port/postgres?sslmode=disable"
            export CHRONICLE_STANDBY_POSTGRES_CONTROL="$dir/control"
            return 0
        fi
    done
    echo "The standby did not start:" >&2
    tail -n 20 "$dir/postgres.log" >&2 || true
    return 1
}
