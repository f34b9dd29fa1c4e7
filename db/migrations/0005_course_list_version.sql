-- Bump data_versions['course_list'] whenever something roomlist shows changes: course rows (not their heartbeat) and
-- room membership (enter/exit, not heartbeats). Readers cache pages per version; the bump commits with the change.
INSERT INTO data_versions (name, version) VALUES ('course_list', 1) ON CONFLICT (name) DO NOTHING;
--> statement-breakpoint
CREATE TRIGGER course_list_v_course_ins AFTER INSERT ON courses BEGIN
  UPDATE data_versions SET version = version + 1 WHERE name = 'course_list';
END;
--> statement-breakpoint
CREATE TRIGGER course_list_v_course_del AFTER DELETE ON courses BEGIN
  UPDATE data_versions SET version = version + 1 WHERE name = 'course_list';
END;
--> statement-breakpoint
CREATE TRIGGER course_list_v_course_upd AFTER UPDATE OF appid, host_uid, title, cover, state, created_at, list_time,
  begin_time, begin_imseq, end_time, end_imseq, last_rec_imseq, playback_idx_url, index_status, index_error,
  playback_published ON courses BEGIN
  UPDATE data_versions SET version = version + 1 WHERE name = 'course_list';
END;
--> statement-breakpoint
CREATE TRIGGER course_list_v_member_ins AFTER INSERT ON members BEGIN
  UPDATE data_versions SET version = version + 1 WHERE name = 'course_list';
END;
--> statement-breakpoint
CREATE TRIGGER course_list_v_member_del AFTER DELETE ON members BEGIN
  UPDATE data_versions SET version = version + 1 WHERE name = 'course_list';
END;
--> statement-breakpoint
CREATE TRIGGER course_list_v_member_exit AFTER UPDATE OF exited_at, roomnum ON members BEGIN
  UPDATE data_versions SET version = version + 1 WHERE name = 'course_list';
END;
