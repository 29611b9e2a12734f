-- Events a projection or reactor could not handle and went past, by its error policy.
--
-- chronicle_parked_events  one row per event a consumer (projection or reactor) went past:
--                          `parked` waits for an operator to retry or skip it; `skipped` was
--                          skipped (by the policy, or by an operator); `retried` was handled
--                          later, by an operator's retry. `generation` is the projection's
--                          table generation the event is missing from (0 for reactors): a
--                          rebuild replaces the rows of the generation it replaces.
-- chronicle_read_side_actions  the audit of operators' retries and skips: who, when, what,
--                          and how it ended.
--
-- Times are microseconds since 1970-01-01 UTC.
CREATE TABLE chronicle_parked_events (
    consumer    text    NOT NULL,
    generation  integer NOT NULL,
    position    bigint  NOT NULL,
    event_id    text    NOT NULL,
    event_type  text    NOT NULL,
    entity_type text    NOT NULL,
    entity_id   text    NOT NULL,
    error       text    NOT NULL,
    attempts    integer NOT NULL,
    parked_at   bigint  NOT NULL,
    state       text    NOT NULL CHECK (state IN ('parked', 'skipped', 'retried')),
    resolved_at bigint,
    resolved_by text,
    PRIMARY KEY (consumer, generation, position)
);

CREATE TABLE chronicle_read_side_actions (
    id        bigserial PRIMARY KEY,
    acted_at  bigint    NOT NULL,
    actor     text      NOT NULL,
    action    text      NOT NULL,
    consumer  text      NOT NULL,
    position  bigint,
    outcome   text      NOT NULL
);
