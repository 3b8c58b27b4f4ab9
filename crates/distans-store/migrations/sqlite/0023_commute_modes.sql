-- Commute modes for the emission figures: cars by fuel, bus, train/tram,
-- besides the modes before (kept, so recorded commutes stay valid).
DROP TRIGGER people_check_insert;
DROP TRIGGER people_check_update;
CREATE TRIGGER people_check_insert BEFORE INSERT ON people
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: people_language_check')
        WHERE NOT (NEW.language IN ('sv', 'en'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: people_commute_mode_check')
        WHERE NOT (NEW.commute_mode IN ('car', 'car_petrol', 'car_diesel', 'car_electric', 'car_hybrid', 'car_pool', 'bus', 'train', 'public_transport', 'bicycle', 'walk'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: people_commute_km_check')
        WHERE NOT (NEW.commute_km >= 0);
END;
CREATE TRIGGER people_check_update BEFORE UPDATE OF language, commute_mode, commute_km ON people
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: people_language_check')
        WHERE NOT (NEW.language IN ('sv', 'en'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: people_commute_mode_check')
        WHERE NOT (NEW.commute_mode IN ('car', 'car_petrol', 'car_diesel', 'car_electric', 'car_hybrid', 'car_pool', 'bus', 'train', 'public_transport', 'bicycle', 'walk'));
    SELECT RAISE(ABORT, 'CHECK constraint failed: people_commute_km_check')
        WHERE NOT (NEW.commute_km >= 0);
END;
