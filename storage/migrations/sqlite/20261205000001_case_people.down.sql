DROP TABLE case_people;
