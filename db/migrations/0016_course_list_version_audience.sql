-- roomlist's cached pages carry each course's playback_audience (playback-access.ts decides from it who gets a
-- playback_idx_url), so a change of audience must bump data_versions['course_list'] like a change of
-- playback_published: the update trigger of 0005_course_list_version, recreated with that column in its list.
DROP TRIGGER course_list_v_course_upd;
--> statement-breakpoint
CREATE TRIGGER course_list_v_course_upd AFTER UPDATE OF appid, host_uid, title, cover, state, created_at, list_time,
  begin_time, begin_imseq, end_time, end_imseq, last_rec_imseq, playback_idx_url, index_status, index_error,
  playback_published, playback_audience ON courses BEGIN
  UPDATE data_versions SET version = version + 1 WHERE name = 'course_list';
END;
