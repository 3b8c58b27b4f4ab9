-- Commute modes for the emission figures: cars by fuel, bus, train/tram,
-- besides the modes before (kept, so recorded commutes stay valid).
ALTER TABLE people DROP CONSTRAINT people_commute_mode_check;
ALTER TABLE people
    ADD CONSTRAINT people_commute_mode_check CHECK (commute_mode IN ('car', 'car_petrol', 'car_diesel', 'car_electric', 'car_hybrid', 'car_pool', 'bus', 'train', 'public_transport', 'bicycle', 'walk'));
