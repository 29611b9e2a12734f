#!/usr/bin/env python3
"""The limit of the SQLite upcasting migration: its own two statements per batch, without Chronicle.

Builds a throwaway SQLite file with the store's migrations (WAL, synchronous=FULL, as the store
opens it), seeds it with the log that `chronicle-bench --only upcast` migrates (events of type
`bench.booked` at version 1, ten per entity), then rewrites every event the way
`SQLEventStore.runUpcastMigration` does, 1,000 per batch and transaction:

    SELECT the batch by position
    INSERT INTO chronicle_event_rewrites ... SELECT ... WHERE position IN (...)   -- the audit rows
    WITH v(...) AS (VALUES ...) UPDATE chronicle_events ... FROM v                 -- the rewrites

It runs twice on fresh logs and prints events per second of each:
- "SQL only": the new data is one constant, so this is what SQLite itself does;
- "with JSON": each event's data is parsed and written again by Python's json module.

    scripts/upcast-limit.py [events]      # default 200,000
"""
import glob
import json
import os
import sqlite3
import sys
import tempfile
import time

BATCH = 1_000
HERE = os.path.dirname(os.path.abspath(__file__))
MIGRATIONS = sorted(glob.glob(os.path.join(HERE, "..", "Migrations", "sqlite", "*.sql")))


def seeded(path, events):
    """A store file with `events` version-1 bookings, ten per entity."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    for migration in MIGRATIONS:
        db.executescript(open(migration).read())
    rows = (
        (f"id-{n}", "bench-room", f"r{n // 10}", n % 10 + 1, "bench.booked", 1, "{}",
         json.dumps({"room": f"r{n % 10}", "time": "2026-12-01T10:00:00Z"}, separators=(",", ":")), 0)
        for n in range(events)
    )
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO chronicle_events (event_id, entity_type, entity_id, version, event_type, schema_version, meta, data, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.execute("COMMIT")
    return db


def upcast(data):
    """What the benchmark's upcaster does: `time` becomes `starts_at`, and 30 minutes are added."""
    value = json.loads(data)
    value["starts_at"] = value.pop("time")
    value["duration_minutes"] = 30
    return json.dumps(value, separators=(",", ":"))


def migrate(db, with_json):
    """Events per second of rewriting the whole log."""
    constant = upcast(json.dumps({"room": "r0", "time": "2026-12-01T10:00:00Z"}))
    started = time.monotonic()
    position, rewritten = 0, 0
    while True:
        batch = db.execute(
            "SELECT position, data FROM chronicle_events WHERE position > ? ORDER BY position LIMIT ?", (position, BATCH)).fetchall()
        if not batch:
            break
        rewrites = [(p, "bench.booked", 2, upcast(data) if with_json else constant) for p, data in batch]
        db.execute("BEGIN IMMEDIATE")
        db.execute(
            "INSERT INTO chronicle_event_rewrites (migration_id, event_id, position, old_event_type, old_schema_version, old_data, rewritten_at)"
            f" SELECT 'limit', event_id, position, event_type, schema_version, data, 0 FROM chronicle_events WHERE position IN ({','.join('?' * len(rewrites))})",
            [r[0] for r in rewrites])
        db.execute(
            f"WITH v (position, event_type, schema_version, data) AS (VALUES {','.join(['(?, ?, ?, ?)'] * len(rewrites))})"
            " UPDATE chronicle_events SET event_type = v.event_type, schema_version = v.schema_version, data = json(v.data)"
            " FROM v WHERE chronicle_events.position = v.position",
            [value for rewrite in rewrites for value in rewrite])
        db.execute("COMMIT")
        position, rewritten = batch[-1][0], rewritten + len(batch)
    return rewritten / (time.monotonic() - started)


def main():
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    print(f"SQLite {sqlite3.sqlite_version}, {events:,} events, batches of {BATCH:,}, WAL, synchronous=FULL")
    for label, with_json in (("SQL only", False), ("with JSON", True)):
        with tempfile.TemporaryDirectory() as directory:
            db = seeded(os.path.join(directory, "limit.sqlite"), events)
            print(f"{label}: {migrate(db, with_json):,.0f} events/s")
            db.close()


if __name__ == "__main__":
    main()
