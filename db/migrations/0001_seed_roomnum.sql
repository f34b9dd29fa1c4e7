-- Room numbers start at 10001: seed AUTOINCREMENT's sequence for the courses table.
INSERT INTO sqlite_sequence (name, seq) SELECT 'courses', 10000 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'courses');
