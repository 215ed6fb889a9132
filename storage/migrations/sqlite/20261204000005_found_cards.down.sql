DROP TABLE IF EXISTS found_cards;
