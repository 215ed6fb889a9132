DELETE FROM webhook_deliveries WHERE application_id IS NULL;
ALTER TABLE webhook_deliveries ALTER COLUMN application_id SET NOT NULL;
DROP TABLE IF EXISTS portal_messages;
