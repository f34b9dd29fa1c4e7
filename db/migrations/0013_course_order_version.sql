-- data_versions['course_order']: bumped only when a course's place in some list can change (insert, delete, or a new
-- appid, host, state or list time), not by titles, covers, membership or heartbeats, which 'course_list' also counts.
-- The list's keyset anchors (server/services/course-list-anchors.ts) are kept per value of this counter, so a student
-- entering a room does not throw away a million-row list's anchors. The bump commits with the change.
INSERT INTO data_versions (name, version) VALUES ('course_order', 1) ON CONFLICT (name) DO NOTHING;
--> statement-breakpoint
CREATE TRIGGER course_order_v_ins AFTER INSERT ON courses BEGIN
  UPDATE data_versions SET version = version + 1 WHERE name = 'course_order';
END;
--> statement-breakpoint
CREATE TRIGGER course_order_v_del AFTER DELETE ON courses BEGIN
  UPDATE data_versions SET version = version + 1 WHERE name = 'course_order';
END;
--> statement-breakpoint
CREATE TRIGGER course_order_v_upd AFTER UPDATE OF appid, host_uid, state, list_time ON courses
  WHEN OLD.appid IS NOT NEW.appid OR OLD.host_uid IS NOT NEW.host_uid OR OLD.state IS NOT NEW.state
    OR OLD.list_time IS NOT NEW.list_time BEGIN
  UPDATE data_versions SET version = version + 1 WHERE name = 'course_order';
END;
