-- PostgreSQL version of db/migrations 0016_course_list_version_audience: roomlist's cached pages carry each course's
-- playback_audience, so a change of it bumps data_versions['course_list'] (the update trigger of 0001, recreated with
-- that column in its list; same DEFERRED constraint trigger, same function).
DROP TRIGGER course_list_v_course_upd ON courses;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER course_list_v_course_upd AFTER UPDATE OF appid, host_uid, title, cover, state, created_at,
  list_time, begin_time, begin_imseq, end_time, end_imseq, last_rec_imseq, playback_idx_url, index_status, index_error,
  playback_published, playback_audience ON courses DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION course_list_version_bump();
