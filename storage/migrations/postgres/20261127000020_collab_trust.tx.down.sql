DROP TABLE collab_peer_keys;
DROP INDEX collab_messages_case_seq_idx;
ALTER TABLE collab_messages ADD CONSTRAINT collab_messages_direction_sender_office_collab_no_case_seq_key
    UNIQUE (direction, sender_office, collab_no, case_seq);
