-- Who is in: whether a person shows colleagues the days they are on site.
-- NULL: they never chose, and the policy's default applies.
ALTER TABLE people ADD COLUMN share_presence BOOLEAN;
