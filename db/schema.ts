/**
 * The data's shape. Drizzle properties are camelCase over snake_case columns.
 * Times are unix seconds (INTEGER) unless a name says otherwise.
 * Migrations are generated from this file by drizzle-kit into db/migrations (never hand-edit a generated one).
 */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Accounts shared by the mobile clients and the console. `role`: 0 student, 1 teacher. */
export const users = sqliteTable('users', {
  uid: text('uid').primaryKey(),
  /** scrypt hash of exactly the string the client sent (clients send base64 of the password). */
  pwdHash: text('pwd_hash').notNull(),
  role: integer('role').notNull(),
  createdAt: integer('created_at').notNull(),
});
export type User = typeof users.$inferSelect;

/**
 * Bearer credentials: legacy tokens (`kind` 'legacy') and console sessions (`kind` 'console').
 * Only the SHA-256 of the secret is stored; the secret itself is 32 CSPRNG bytes.
 */
export const authTokens = sqliteTable(
  'auth_tokens',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tokenHash: text('token_hash').notNull(),
    kind: text('kind', { enum: ['legacy', 'console'] }).notNull(),
    uid: text('uid')
      .notNull()
      .references(() => users.uid, { onDelete: 'cascade' }),
    appid: integer('appid').notNull(),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at').notNull(),
    revokedAt: integer('revoked_at'),
  },
  (t) => [uniqueIndex('auth_tokens_hash_uq').on(t.tokenHash), index('auth_tokens_uid_idx').on(t.uid)],
);
export type AuthToken = typeof authTokens.$inferSelect;

/**
 * Courses ("rooms"). `roomnum` starts at 10001 (the sequence is seeded by a custom migration).
 * state: 0 created, 1 live, 2 ended, 3 playback index built (server/services/course-state.ts). Whether a replay is
 * shown as ready is playback-status.ts: state 3 with index_status 'ready' (a rebuild may be pending or failed).
 * `listTime` = max(created_at, begin_time): the instant roomlist sorts and filters on, kept as a column so both use an index.
 */
export const courses = sqliteTable(
  'courses',
  {
    roomnum: integer('roomnum').primaryKey({ autoIncrement: true }),
    appid: integer('appid').notNull(),
    hostUid: text('host_uid')
      .notNull()
      .references(() => users.uid),
    title: text('title').notNull(),
    cover: text('cover').notNull().default(''),
    state: integer('state').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    listTime: integer('list_time').notNull(),
    beginTime: integer('begin_time').notNull().default(0),
    beginImseq: integer('begin_imseq').notNull().default(0),
    endTime: integer('end_time').notNull().default(0),
    endImseq: integer('end_imseq').notNull().default(0),
    /** Last heartbeat of the host; the sweeper ends a live course whose host went silent. */
    lastHeartbeat: integer('last_heartbeat').notNull().default(0),
    /** MsgSeq of the last recording notice (IM 1004). */
    lastRecImseq: integer('last_rec_imseq').notNull().default(0),
    playbackIdxUrl: text('playback_idx_url').notNull().default(''),
    /** Playback index job: 'none' until the course ends, then 'pending' → 'ready' | 'failed'. */
    indexStatus: text('index_status', { enum: ['none', 'pending', 'ready', 'failed'] })
      .notNull()
      .default('none'),
    /** Earliest time the index job may (re)try this course. */
    indexDueAt: integer('index_due_at').notNull().default(0),
    indexAttempts: integer('index_attempts').notNull().default(0),
    indexError: text('index_error').notNull().default(''),
    /** Console: whether students may open the playback (which students: playbackAudience). */
    playbackPublished: integer('playback_published', { mode: 'boolean' }).notNull().default(false),
    /**
     * Who a published playback reaches besides its teacher (services/playback-access.ts): 'attendees', the students
     * who entered the class; 'class', those and every student on the teacher's class list (absent ones included).
     * Kept while unpublished, so publishing again offers the last choice.
     */
    playbackAudience: text('playback_audience', { enum: ['attendees', 'class'] })
      .notNull()
      .default('attendees'),
    /** Console scheduling (never in legacy replies): planned start (unix s) and length in minutes, both optional. */
    plannedStart: integer('planned_start'),
    plannedMinutes: integer('planned_minutes'),
  },
  (t) => [
    // The list's order (list_time desc, roomnum desc) per filter shape, room number included so a keyset seek
    // (course-list-anchors.ts) is an index range and a page is read from the index alone (SQLite: roomnum is the rowid).
    index('courses_list_idx').on(t.appid, t.listTime, t.roomnum),
    index('courses_state_list_idx').on(t.appid, t.state, t.listTime, t.roomnum),
    index('courses_host_list_idx').on(t.appid, t.hostUid, t.listTime, t.roomnum),
    index('courses_host_state_list_idx').on(t.appid, t.hostUid, t.state, t.listTime, t.roomnum),
    index('courses_host_idx').on(t.hostUid, t.listTime),
    index('courses_state_hb_idx').on(t.state, t.lastHeartbeat),
    index('courses_index_due_idx').on(t.indexStatus, t.indexDueAt),
    index('courses_planned_idx').on(t.hostUid, t.plannedStart),
  ],
);
export type Course = typeof courses.$inferSelect;

/** Room membership. `exitedAt` null = currently in the room. */
export const members = sqliteTable(
  'members',
  {
    roomnum: integer('roomnum')
      .notNull()
      .references(() => courses.roomnum, { onDelete: 'cascade' }),
    uid: text('uid').notNull(),
    role: integer('role').notNull(),
    joinedAt: integer('joined_at').notNull(),
    lastHeartbeat: integer('last_heartbeat').notNull(),
    exitedAt: integer('exited_at'),
    /**
     * Enter reports of this member accepted in this course (each announced with IM 1003; a new stay is logged when
     * they were out), bounded by MEMBER_ENTERS_PER_COURSE (members.ts). Counted since the column exists (0 before).
     */
    enters: integer('enters').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.roomnum, t.uid] }), index('members_hb_idx').on(t.exitedAt, t.lastHeartbeat)],
);
export type Member = typeof members.$inferSelect;

/**
 * Append-only course event log: never updated in place. Attendance and the playback timeline are built from it.
 */
export const courseEvents = sqliteTable(
  'course_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    roomnum: integer('roomnum')
      .notNull()
      .references(() => courses.roomnum, { onDelete: 'cascade' }),
    at: integer('at').notNull(),
    kind: text('kind', {
      enum: [
        'created',
        'started',
        'ended',
        'ended_by_sweeper',
        'member_enter',
        'member_exit',
        'member_timeout',
        'file_bound',
        'file_unbound',
        'recording',
        'recording_deleted',
      ],
    }).notNull(),
    uid: text('uid').notNull().default(''),
    role: integer('role').notNull().default(0),
    /** Small JSON detail (file name, recording id…); '' when none. */
    detail: text('detail').notNull().default(''),
  },
  (t) => [index('course_events_room_idx').on(t.roomnum, t.id)],
);
export type CourseEvent = typeof courseEvents.$inferSelect;

/**
 * Courseware / video bound to a course (`roomnum` > 0) or to a teacher's library (`roomnum` 0).
 */
export const boundFiles = sqliteTable(
  'bound_files',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ownerUid: text('owner_uid').notNull(),
    roomnum: integer('roomnum').notNull().default(0),
    type: integer('type').notNull(),
    fileName: text('file_name').notNull(),
    url: text('url').notNull(),
    /** Console metadata (0 / '' when bound by a legacy client that did not say). */
    size: integer('size').notNull().default(0),
    mime: text('mime').notNull().default(''),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('bound_files_uq').on(t.ownerUid, t.roomnum, t.url),
    index('bound_files_room_idx').on(t.roomnum, t.createdAt),
  ],
);
export type BoundFile = typeof boundFiles.$inferSelect;

/**
 * Every IM custom message this server sent (1001–1004) with its MsgSeq, in both IM modes. In local mode this table
 * *is* the group message log (it assigns MsgSeq); in tencent mode it mirrors what Tencent acknowledged, so a playback
 * index never depends on Tencent keeping history.
 */
export const imMessages = sqliteTable(
  'im_messages',
  {
    groupId: text('group_id').notNull(),
    msgSeq: integer('msg_seq').notNull(),
    msgTime: integer('msg_time').notNull(),
    fromAccount: text('from_account').notNull(),
    random: integer('random').notNull(),
    /** JSON array of TIM message elements ({MsgType, MsgContent}). */
    msgBody: text('msg_body').notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.msgSeq] })],
);
export type ImMessage = typeof imMessages.$inferSelect;

/** Recording files reported by Tencent's live-recording callback (event 100). Idempotent on file id. */
export const recordings = sqliteTable(
  'recordings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    roomnum: integer('roomnum')
      .notNull()
      .references(() => courses.roomnum, { onDelete: 'cascade' }),
    uid: text('uid').notNull(),
    fileId: text('file_id').notNull(),
    videoId: text('video_id').notNull(),
    videoUrl: text('video_url').notNull(),
    startTime: integer('start_time').notNull(),
    endTime: integer('end_time').notNull(),
    mediaStartTime: integer('media_start_time').notNull(),
    fileSize: integer('file_size').notNull(),
    duration: integer('duration').notNull(),
    imSeq: integer('im_seq').notNull().default(0),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('recordings_file_uq').on(t.roomnum, t.fileId),
    index('recordings_room_idx').on(t.roomnum, t.startTime),
  ],
);
export type Recording = typeof recordings.$inferSelect;

/**
 * Counted credential attempts of both doors (services/login-rate-limit.ts): login attempts reserved before the
 * password check and kept when it failed, and registrations. The name predates attempts being counted up front.
 */
export const loginFailures = sqliteTable(
  'login_failures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** 'uid:<id>', 'pair:<id>@<address>' (checks) and 'ip:<address>' (failures) for logins; 'register-ip:<address>'. */
    subject: text('subject').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [index('login_failures_idx').on(t.subject, t.at)],
);

/**
 * Addresses from which an account has logged in successfully (login-rate-limit.ts): a login of that id from one of
 * them is not refused because of other addresses' failures (per-id limit) or other accounts' failures from the same
 * address (per-address limit), only by its own (id, address) budget. Refreshed on every success, forgotten after
 * LOGIN_KNOWN_ADDRESS_TTL_S without one, and on a password change.
 */
export const loginKnownAddresses = sqliteTable(
  'login_known_addresses',
  {
    uid: text('uid')
      .notNull()
      .references(() => users.uid, { onDelete: 'cascade' }),
    ip: text('ip').notNull(),
    lastSuccessAt: integer('last_success_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.uid, t.ip] })],
);

/**
 * One-time password reset codes printed by `npm run reset-password <id>` (no e-mail). Only the SHA-256 of the code is
 * stored (it carries ≈79 CSPRNG bits, and guesses are rate limited like logins); a code works once (`used_at`) and until `expires_at`.
 */
export const passwordResetCodes = sqliteTable(
  'password_reset_codes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    uid: text('uid')
      .notNull()
      .references(() => users.uid, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [uniqueIndex('password_reset_codes_hash_uq').on(t.codeHash), index('password_reset_codes_uid_idx').on(t.uid)],
);

/** Objects kept by the local storage provider (and uploads the console started), so sizes and owners are known. */
export const storedObjects = sqliteTable(
  'stored_objects',
  {
    key: text('key').primaryKey(),
    ownerUid: text('owner_uid').notNull().default(''),
    size: integer('size').notNull(),
    mime: text('mime').notNull().default(''),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('stored_objects_owner_idx').on(t.ownerUid)],
);

/**
 * Course counts per (appid, host, state), kept exact by triggers on `courses` (custom migration
 * 0003_course_counts_triggers) inside every writing transaction, whichever process writes. roomlist's `total` reads
 * these few rows instead of counting thousands of courses per request.
 */
export const courseCounts = sqliteTable(
  'course_counts',
  {
    appid: integer('appid').notNull(),
    hostUid: text('host_uid').notNull(),
    state: integer('state').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.appid, t.hostUid, t.state] })],
);

/**
 * Change counters bumped by triggers (custom migration 0005_course_list_version) in the same transaction as the data
 * they cover, whichever process writes. 'course_list' covers every column roomlist shows, including member counts,
 * but not heartbeats; a cached roomlist page stays valid exactly as long as this counter does not move.
 */
export const dataVersions = sqliteTable('data_versions', {
  name: text('name').primaryKey(),
  version: integer('version').notNull(),
});

/**
 * A teacher's class list: the students they invite and follow in the attendance matrix. Both ids are accounts; the
 * student row goes when either account is deleted.
 */
export const classStudents = sqliteTable(
  'class_students',
  {
    teacherUid: text('teacher_uid')
      .notNull()
      .references(() => users.uid, { onDelete: 'cascade' }),
    studentUid: text('student_uid')
      .notNull()
      .references(() => users.uid, { onDelete: 'cascade' }),
    addedAt: integer('added_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.teacherUid, t.studentUid] }),
    // The teachers listing one student: the playbacks shared with a class list (services/playback-access.ts).
    index('class_students_student_idx').on(t.studentUid),
  ],
);
export type ClassStudent = typeof classStudents.$inferSelect;
