-- Rotation planner runs, kept in the database so that every app server
-- behind a load balancer can show, cancel and publish a run that another
-- server is computing (design.md, "Planner runs any server can see").
CREATE TABLE planner_jobs (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    -- JSON: the unit, period, planner input, names, notes and locks.
    problem TEXT NOT NULL,
    time_limit DOUBLE PRECISION NOT NULL,
    finished BOOLEAN NOT NULL DEFAULT FALSE,
    cancel_requested BOOLEAN NOT NULL DEFAULT FALSE,
    done BIGINT NOT NULL DEFAULT 0,
    total BIGINT NOT NULL DEFAULT 0,
    best_cost BIGINT,
    -- JSON: the planner's output, once finished.
    result TEXT,
    elapsed_ms BIGINT,
    published_id UUID,
    heartbeat_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX planner_jobs_owner_idx ON planner_jobs (owner_id, finished);
CREATE INDEX planner_jobs_created_idx ON planner_jobs (created_at);
