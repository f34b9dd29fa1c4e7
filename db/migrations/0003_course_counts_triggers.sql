-- Keep course_counts exact: every insert, delete and change of host/state/appid on courses adjusts it in the same
-- transaction. Rows that drop to zero are removed so the table stays as small as the set of (appid, host, state) in use.
INSERT INTO course_counts (appid, host_uid, state, n)
  SELECT appid, host_uid, state, COUNT(*) FROM courses GROUP BY appid, host_uid, state;
--> statement-breakpoint
CREATE TRIGGER course_counts_ins AFTER INSERT ON courses BEGIN
  INSERT INTO course_counts (appid, host_uid, state, n) VALUES (NEW.appid, NEW.host_uid, NEW.state, 1)
    ON CONFLICT (appid, host_uid, state) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER course_counts_del AFTER DELETE ON courses BEGIN
  UPDATE course_counts SET n = n - 1 WHERE appid = OLD.appid AND host_uid = OLD.host_uid AND state = OLD.state;
  DELETE FROM course_counts WHERE appid = OLD.appid AND host_uid = OLD.host_uid AND state = OLD.state AND n <= 0;
END;
--> statement-breakpoint
CREATE TRIGGER course_counts_upd AFTER UPDATE OF appid, host_uid, state ON courses
  WHEN OLD.appid IS NOT NEW.appid OR OLD.host_uid IS NOT NEW.host_uid OR OLD.state IS NOT NEW.state BEGIN
  UPDATE course_counts SET n = n - 1 WHERE appid = OLD.appid AND host_uid = OLD.host_uid AND state = OLD.state;
  DELETE FROM course_counts WHERE appid = OLD.appid AND host_uid = OLD.host_uid AND state = OLD.state AND n <= 0;
  INSERT INTO course_counts (appid, host_uid, state, n) VALUES (NEW.appid, NEW.host_uid, NEW.state, 1)
    ON CONFLICT (appid, host_uid, state) DO UPDATE SET n = n + 1;
END;
