-- The privacy notice (GDPR Art. 13) HR writes: every save a new version.
CREATE TABLE privacy_notices (
    version INTEGER PRIMARY KEY,
    what TEXT NOT NULL,
    why TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    how_long TEXT NOT NULL,
    rights TEXT NOT NULL,
    dpo TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
