-- A sign-in through the identity provider finds the person by e-mail
-- address without regard to case.
CREATE INDEX people_email_lower_idx ON people (lower(email));
