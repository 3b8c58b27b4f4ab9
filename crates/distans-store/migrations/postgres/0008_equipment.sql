-- Equipment lent home (product.md part 12): an inventory of lendable items
-- and their loans, each loan linked to the agreement it was lent under.

CREATE TABLE equipment_items (
    id UUID PRIMARY KEY,
    kind TEXT NOT NULL,
    identifier TEXT NOT NULL,
    description TEXT NOT NULL,
    state TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT equipment_items_identifier_key UNIQUE (identifier)
);
-- The inventory's lists: by state or kind, in identifier order.
CREATE INDEX equipment_items_state_idx ON equipment_items (state, identifier);
CREATE INDEX equipment_items_kind_idx ON equipment_items (kind, identifier);

CREATE TABLE equipment_loans (
    id UUID PRIMARY KEY,
    item_id UUID NOT NULL REFERENCES equipment_items (id),
    person_id UUID NOT NULL REFERENCES people (id),
    agreement_id UUID REFERENCES agreements (id),
    lent_by UUID NOT NULL REFERENCES people (id),
    lent_at TIMESTAMPTZ NOT NULL,
    returned_at TIMESTAMPTZ,
    returned_by UUID REFERENCES people (id),
    return_state TEXT,
    version BIGINT NOT NULL DEFAULT 1
);
-- An item is on one open loan at most (the second of two lenders at once fails).
CREATE UNIQUE INDEX equipment_loans_open_item_key ON equipment_loans (item_id) WHERE returned_at IS NULL;
-- A person's loans; an agreement's open loans; all open loans (to collect).
CREATE INDEX equipment_loans_person_idx ON equipment_loans (person_id, lent_at);
CREATE INDEX equipment_loans_agreement_idx ON equipment_loans (agreement_id) WHERE returned_at IS NULL;
CREATE INDEX equipment_loans_item_idx ON equipment_loans (item_id, lent_at);
