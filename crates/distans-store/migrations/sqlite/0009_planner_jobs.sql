-- Rotation planner runs, kept in the database so that every app server
-- behind a load balancer can show, cancel and publish a run that another
-- server is computing (design.md, "Planner runs any server can see").
CREATE TABLE planner_jobs (
    id BLOB PRIMARY KEY,
    owner_id BLOB NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    -- JSON: the unit, period, planner input, names, notes and locks.
    problem TEXT NOT NULL,
    time_limit REAL NOT NULL,
    finished INTEGER NOT NULL DEFAULT 0,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    best_cost INTEGER,
    -- JSON: the planner's output, once finished.
    result TEXT,
    elapsed_ms INTEGER,
    published_id BLOB,
    heartbeat_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX planner_jobs_owner_idx ON planner_jobs (owner_id, finished);
CREATE INDEX planner_jobs_created_idx ON planner_jobs (created_at);
