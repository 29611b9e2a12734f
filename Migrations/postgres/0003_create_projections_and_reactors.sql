-- The read side's bookkeeping.
--
-- projections          one row per projection: its version, how it runs, its checkpoint (the
--                      last position applied; its tables and this row change in one transaction),
--                      the generation of its tables (online rebuilds create generation n + 1
--                      beside the live tables and swap them in), and its last failure.
-- projection_rebuilds  an online rebuild in progress: the shadow tables' generation and
--                      checkpoint, so an interrupted rebuild resumes (or is discarded).
-- reactors             one row per reactor: its checkpoint and the head when it was registered
--                      (it never sees older events).
-- reactor_receipts     one row per effect done: a retried or restarted reactor skips it.
--
-- Times are microseconds since 1970-01-01 UTC.
CREATE TABLE projections (
    name           text    PRIMARY KEY,
    version        integer NOT NULL,
    mode           text    NOT NULL CHECK (mode IN ('inline', 'async')),
    position       bigint  NOT NULL DEFAULT 0,
    generation     integer NOT NULL DEFAULT 0,
    last_error     text,
    error_position bigint,
    failed_at      bigint,
    updated_at     bigint  NOT NULL
);

CREATE TABLE projection_rebuilds (
    name        text    PRIMARY KEY,
    version     integer NOT NULL,
    generation  integer NOT NULL,
    position    bigint  NOT NULL DEFAULT 0,
    started_at  bigint  NOT NULL
);

CREATE TABLE reactors (
    name                text   PRIMARY KEY,
    position            bigint NOT NULL,
    registered_position bigint NOT NULL,
    last_error          text,
    error_position      bigint,
    failed_at           bigint,
    updated_at          bigint NOT NULL
);

CREATE TABLE reactor_receipts (
    reactor  text   NOT NULL,
    event_id text   NOT NULL,
    done_at  bigint NOT NULL,
    PRIMARY KEY (reactor, event_id)
);
