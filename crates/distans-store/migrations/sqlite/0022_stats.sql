-- Statistics: the emission factors HR keeps, one row per saved version
-- (the newest applies); the factors as JSON [{"mode", "kg_per_km"}].
CREATE TABLE emission_factor_versions (
    version INTEGER PRIMARY KEY CHECK (version >= 1),
    factors TEXT NOT NULL,
    home_office_kg_per_day REAL CHECK (home_office_kg_per_day >= 0),
    source TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    created_at TEXT NOT NULL
);

