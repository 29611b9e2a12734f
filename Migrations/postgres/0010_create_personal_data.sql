-- Personal data and retired entities.
--
-- chronicle_subject_keys        one data key per subject (a person), wrapped by the
--                               application's master key (wrapped_key: Base64). Encrypted
--                               personal fields name their key by key_id; deleting the row is
--                               what forgets the subject.
-- chronicle_forgotten_subjects  the audit of forgetting: whose keys, who asked, when. Nothing of
--                               the data.
-- chronicle_archived_events     events moved out of the log by an archive, with the columns
--                               they had, readable on purpose only.
-- chronicle_masking_runs        the progress of masking runs, which rewrite personal fields of
--                               stored events in place: no old value is kept.
--
-- Times are microseconds since 1970-01-01 UTC, except the archived events' own created_at.
CREATE TABLE chronicle_subject_keys (
    key_id        uuid   PRIMARY KEY,
    subject       text   NOT NULL UNIQUE,
    wrapped_key   text   NOT NULL,
    master_key_id text   NOT NULL,
    created_at    bigint NOT NULL
);

CREATE TABLE chronicle_forgotten_subjects (
    id           bigserial PRIMARY KEY,
    subject      text      NOT NULL,
    actor        text,
    keys_deleted integer   NOT NULL,
    forgotten_at bigint    NOT NULL
);

CREATE TABLE chronicle_archived_events (
    position       bigint      PRIMARY KEY,
    event_id       uuid        NOT NULL UNIQUE,
    entity_type    text        NOT NULL,
    entity_id      text        NOT NULL,
    version        bigint      NOT NULL,
    event_type     text        NOT NULL,
    schema_version integer     NOT NULL,
    meta           json        NOT NULL,
    data           json        NOT NULL,
    created_at     timestamptz NOT NULL,
    archived_at    bigint      NOT NULL
);

CREATE INDEX chronicle_archived_events_entity ON chronicle_archived_events (entity_id, version);

CREATE TABLE chronicle_masking_runs (
    id                text   PRIMARY KEY,
    subject           text   NOT NULL,
    position          bigint NOT NULL DEFAULT 0,
    archived_position bigint NOT NULL DEFAULT 0,
    masked            bigint NOT NULL DEFAULT 0,
    actor             text,
    started_at        bigint NOT NULL,
    finished_at       bigint
);
