-- PostgreSQL versions of the SQLite triggers (db/migrations 0003_course_counts_triggers, 0005_course_list_version),
-- same tables, same rules, same trigger names.
--
-- course_counts: every insert, delete and change of appid/host/state on courses adjusts the counts in the same
-- transaction (read back inside it, as in SQLite); rows that drop to zero are removed.
CREATE FUNCTION course_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE course_counts SET n = n - 1 WHERE appid = OLD.appid AND host_uid = OLD.host_uid AND state = OLD.state;
    DELETE FROM course_counts WHERE appid = OLD.appid AND host_uid = OLD.host_uid AND state = OLD.state AND n <= 0;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO course_counts (appid, host_uid, state, n) VALUES (NEW.appid, NEW.host_uid, NEW.state, 1)
      ON CONFLICT (appid, host_uid, state) DO UPDATE SET n = course_counts.n + 1;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER course_counts_ins AFTER INSERT ON courses FOR EACH ROW EXECUTE FUNCTION course_counts_apply();
--> statement-breakpoint
CREATE TRIGGER course_counts_del AFTER DELETE ON courses FOR EACH ROW EXECUTE FUNCTION course_counts_apply();
--> statement-breakpoint
CREATE TRIGGER course_counts_upd AFTER UPDATE OF appid, host_uid, state ON courses FOR EACH ROW
  WHEN (OLD.appid IS DISTINCT FROM NEW.appid OR OLD.host_uid IS DISTINCT FROM NEW.host_uid
    OR OLD.state IS DISTINCT FROM NEW.state)
  EXECUTE FUNCTION course_counts_apply();
--> statement-breakpoint
-- data_versions['course_list']: bumped whenever something roomlist shows changes (course rows except heartbeats, room
-- membership except heartbeats). Unlike SQLite, where one writer at a time holds the whole database, here every
-- writer of courses/members meets on this one row: the bump is a DEFERRED constraint trigger, so it runs at commit,
-- after the transaction's other work. The row is then locked only for the commit itself (writers do not queue behind
-- each other's whole transactions), and always last (no deadlock with the course_counts rows taken earlier). Readers
-- see the new version exactly when they can see the change. A presence flush that UPSERTs members' heartbeats
-- (INSERT … ON CONFLICT DO UPDATE SET last_heartbeat) fires none of these for the rows it only updates.
INSERT INTO data_versions (name, version) VALUES ('course_list', 1) ON CONFLICT (name) DO NOTHING;
--> statement-breakpoint
CREATE FUNCTION course_list_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE data_versions SET version = version + 1 WHERE name = 'course_list';
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER course_list_v_course_ins AFTER INSERT ON courses DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION course_list_version_bump();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER course_list_v_course_del AFTER DELETE ON courses DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION course_list_version_bump();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER course_list_v_course_upd AFTER UPDATE OF appid, host_uid, title, cover, state, created_at,
  list_time, begin_time, begin_imseq, end_time, end_imseq, last_rec_imseq, playback_idx_url, index_status, index_error,
  playback_published ON courses DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION course_list_version_bump();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER course_list_v_member_ins AFTER INSERT ON members DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION course_list_version_bump();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER course_list_v_member_del AFTER DELETE ON members DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION course_list_version_bump();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER course_list_v_member_exit AFTER UPDATE OF exited_at, roomnum ON members
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION course_list_version_bump();
