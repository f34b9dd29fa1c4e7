-- PostgreSQL version of db/migrations 0011_course_order_version (same name, same rule): data_versions['course_order']
-- moves only when a course's place in some list can change. A DEFERRED constraint trigger like course_list's
-- (0001): the hot row is locked only for the commit, after the transaction's other work.
INSERT INTO data_versions (name, version) VALUES ('course_order', 1) ON CONFLICT (name) DO NOTHING;
--> statement-breakpoint
CREATE FUNCTION course_order_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE data_versions SET version = version + 1 WHERE name = 'course_order';
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER course_order_v_ins AFTER INSERT ON courses DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION course_order_version_bump();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER course_order_v_del AFTER DELETE ON courses DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION course_order_version_bump();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER course_order_v_upd AFTER UPDATE OF appid, host_uid, state, list_time ON courses
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (OLD.appid IS DISTINCT FROM NEW.appid OR OLD.host_uid IS DISTINCT FROM NEW.host_uid
    OR OLD.state IS DISTINCT FROM NEW.state OR OLD.list_time IS DISTINCT FROM NEW.list_time)
  EXECUTE FUNCTION course_order_version_bump();
