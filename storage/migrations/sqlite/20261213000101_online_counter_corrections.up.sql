-- The contact details a clerk corrected with the person at the counter when
-- completing an online application (#18, 3.1.4): a JSON list of
-- {field, portal, counter}; empty when the portal's data stood. The data
-- column keeps what the portal submitted.
ALTER TABLE online_applications ADD COLUMN counter_corrections TEXT NOT NULL DEFAULT '';
