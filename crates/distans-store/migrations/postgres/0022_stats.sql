-- Statistics: the emission factors HR keeps, one row per saved version
-- (the newest applies); the factors as JSON [{"mode", "kg_per_km"}].
CREATE TABLE emission_factor_versions (
    version BIGINT PRIMARY KEY CHECK (version >= 1),
    factors TEXT NOT NULL,
    home_office_kg_per_day DOUBLE PRECISION CHECK (home_office_kg_per_day >= 0),
    source TEXT NOT NULL,
    valid_from DATE NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

