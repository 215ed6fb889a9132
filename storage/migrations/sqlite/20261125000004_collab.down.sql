DROP TABLE IF EXISTS collab_log_head;
--bun:split
DROP TABLE IF EXISTS collab_cursors;
--bun:split
DROP TABLE IF EXISTS collab_sequences;
--bun:split
DROP TABLE IF EXISTS collab_messages;
