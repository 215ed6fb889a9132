DROP TABLE IF EXISTS portal_messages;
