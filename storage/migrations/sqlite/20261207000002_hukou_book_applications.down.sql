DROP TABLE hukou_book_applications;
