-- Stored objects as keys (stored-ref.ts): URLs this server produced for its own /storage/ objects become
-- `storage:<key>`, so answers build them at the caller's host and port. The historic PUBLIC_BASE_URL is unknown here,
-- so a URL counts as ours when it is `http(s)://<host>/storage/<key>` (the first path segment is /storage/) AND its key
-- lies under a prefix only the server writes: playback/ (index job), uploads/ (console uploads), demo/ (demo data).
-- URLs with %-escapes, a query or a fragment are left as they are (keys the server makes never need them); external
-- URLs (Tencent's recordings, a legacy client's own file host) are untouched. Bound files use UPDATE OR IGNORE: the
-- same object bound under two hosts would collide on the unique (owner, room, url) index; the second row then keeps
-- its absolute URL (it still works). Indexes stored at the old predictable key `playback/<room>/index-<t>.json` are
-- re-queued so the index job rebuilds them at a random key (the storage route no longer serves the old form).
UPDATE courses SET playback_idx_url = 'storage:' || substr(playback_idx_url, instr(playback_idx_url, '/storage/') + 9)
WHERE (playback_idx_url GLOB 'http://*' OR playback_idx_url GLOB 'https://*')
  AND instr(substr(playback_idx_url, instr(playback_idx_url, '://') + 3), '/storage/') > 0 AND instr(substr(playback_idx_url, instr(playback_idx_url, '://') + 3), '/') = instr(substr(playback_idx_url, instr(playback_idx_url, '://') + 3), '/storage/')
  AND (substr(playback_idx_url, instr(playback_idx_url, '/storage/') + 9) GLOB 'playback/*')
  AND instr(playback_idx_url, '%') = 0 AND instr(playback_idx_url, '?') = 0 AND instr(playback_idx_url, '#') = 0;
--> statement-breakpoint
UPDATE courses SET cover = 'storage:' || substr(cover, instr(cover, '/storage/') + 9)
WHERE (cover GLOB 'http://*' OR cover GLOB 'https://*')
  AND instr(substr(cover, instr(cover, '://') + 3), '/storage/') > 0 AND instr(substr(cover, instr(cover, '://') + 3), '/') = instr(substr(cover, instr(cover, '://') + 3), '/storage/')
  AND (substr(cover, instr(cover, '/storage/') + 9) GLOB 'uploads/*')
  AND instr(cover, '%') = 0 AND instr(cover, '?') = 0 AND instr(cover, '#') = 0;
--> statement-breakpoint
UPDATE recordings SET video_url = 'storage:' || substr(video_url, instr(video_url, '/storage/') + 9)
WHERE (video_url GLOB 'http://*' OR video_url GLOB 'https://*')
  AND instr(substr(video_url, instr(video_url, '://') + 3), '/storage/') > 0 AND instr(substr(video_url, instr(video_url, '://') + 3), '/') = instr(substr(video_url, instr(video_url, '://') + 3), '/storage/')
  AND (substr(video_url, instr(video_url, '/storage/') + 9) GLOB 'demo/*' OR substr(video_url, instr(video_url, '/storage/') + 9) GLOB 'uploads/*')
  AND instr(video_url, '%') = 0 AND instr(video_url, '?') = 0 AND instr(video_url, '#') = 0;
--> statement-breakpoint
UPDATE OR IGNORE bound_files SET url = 'storage:' || substr(url, instr(url, '/storage/') + 9)
WHERE (url GLOB 'http://*' OR url GLOB 'https://*')
  AND instr(substr(url, instr(url, '://') + 3), '/storage/') > 0 AND instr(substr(url, instr(url, '://') + 3), '/') = instr(substr(url, instr(url, '://') + 3), '/storage/')
  AND (substr(url, instr(url, '/storage/') + 9) GLOB 'uploads/*' OR substr(url, instr(url, '/storage/') + 9) GLOB 'demo/*')
  AND instr(url, '%') = 0 AND instr(url, '?') = 0 AND instr(url, '#') = 0;
--> statement-breakpoint
UPDATE course_events SET detail = json_set(detail, '$.url', 'storage:' || substr(json_extract(detail, '$.url'), instr(json_extract(detail, '$.url'), '/storage/') + 9))
WHERE kind IN ('file_bound', 'file_unbound') AND json_valid(detail)
  AND (json_extract(detail, '$.url') GLOB 'http://*' OR json_extract(detail, '$.url') GLOB 'https://*')
  AND instr(substr(json_extract(detail, '$.url'), instr(json_extract(detail, '$.url'), '://') + 3), '/storage/') > 0 AND instr(substr(json_extract(detail, '$.url'), instr(json_extract(detail, '$.url'), '://') + 3), '/') = instr(substr(json_extract(detail, '$.url'), instr(json_extract(detail, '$.url'), '://') + 3), '/storage/')
  AND (substr(json_extract(detail, '$.url'), instr(json_extract(detail, '$.url'), '/storage/') + 9) GLOB 'uploads/*' OR substr(json_extract(detail, '$.url'), instr(json_extract(detail, '$.url'), '/storage/') + 9) GLOB 'demo/*')
  AND instr(json_extract(detail, '$.url'), '%') = 0 AND instr(json_extract(detail, '$.url'), '?') = 0 AND instr(json_extract(detail, '$.url'), '#') = 0;
--> statement-breakpoint
UPDATE course_events SET detail = json_set(detail, '$.video_url', 'storage:' || substr(json_extract(detail, '$.video_url'), instr(json_extract(detail, '$.video_url'), '/storage/') + 9))
WHERE kind = 'recording' AND json_valid(detail)
  AND (json_extract(detail, '$.video_url') GLOB 'http://*' OR json_extract(detail, '$.video_url') GLOB 'https://*')
  AND instr(substr(json_extract(detail, '$.video_url'), instr(json_extract(detail, '$.video_url'), '://') + 3), '/storage/') > 0 AND instr(substr(json_extract(detail, '$.video_url'), instr(json_extract(detail, '$.video_url'), '://') + 3), '/') = instr(substr(json_extract(detail, '$.video_url'), instr(json_extract(detail, '$.video_url'), '://') + 3), '/storage/')
  AND (substr(json_extract(detail, '$.video_url'), instr(json_extract(detail, '$.video_url'), '/storage/') + 9) GLOB 'demo/*' OR substr(json_extract(detail, '$.video_url'), instr(json_extract(detail, '$.video_url'), '/storage/') + 9) GLOB 'uploads/*')
  AND instr(json_extract(detail, '$.video_url'), '%') = 0 AND instr(json_extract(detail, '$.video_url'), '?') = 0 AND instr(json_extract(detail, '$.video_url'), '#') = 0;
--> statement-breakpoint
UPDATE courses SET index_status = 'pending', index_due_at = 0, index_attempts = 0, index_error = ''
WHERE playback_idx_url GLOB 'storage:playback/*/index-*.json' AND state IN (2, 3);
