/**
 * The same data's shape for PostgreSQL (drizzle pg-core), table for table and column for column with db/schema.ts:
 * same table and column names, nullability, defaults, keys and indexes (db/schema-parity.test.ts keeps them from
 * drifting; the comments on the meaning of each table and column live in schema.ts, not here twice).
 * Migrations are generated from this file by drizzle-kit into db/migrations-pg (`drizzle.pg.config.ts`).
 *
 * Column types: SQLite's INTEGER is 64-bit; here a column is `bigint` (int8, read back as a JS number, refused beyond
 * Number.MAX_SAFE_INTEGER by db/client-pg.ts) when it holds a time, a size, an id or anything a client sends that the
 * input schemas allow up to 2^53 (so a large but valid input is a "not found", not an out-of-range error), and
 * `integer` only for small closed sets (role, state, type, minutes, attempts, counts). Booleans are stored as SQLite
 * stores them (integer 0/1), so the same rows mean the same thing in both engines and a dump moves between them.
 */
import { sql } from 'drizzle-orm';
import { bigint, customType, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import * as lite from './schema';

/** A boolean kept as integer 0/1, like sqlite-core's `integer({ mode: 'boolean' })`. */
const intBoolean = customType<{ data: boolean; driverData: number }>({
  dataType: () => 'integer',
  toDriver: (v) => (v ? 1 : 0),
  fromDriver: (v) => Number(v) !== 0,
});

/** int8 read as a JS number (db/client-pg.ts refuses values a number cannot hold exactly). */
const int8 = (name: string) => bigint(name, { mode: 'number' });

export const users = pgTable('users', {
  uid: text('uid').primaryKey(),
  pwdHash: text('pwd_hash').notNull(),
  role: integer('role').notNull(),
  createdAt: int8('created_at').notNull(),
});
export type User = typeof users.$inferSelect;

export const authTokens = pgTable(
  'auth_tokens',
  {
    id: int8('id').primaryKey().generatedByDefaultAsIdentity(),
    tokenHash: text('token_hash').notNull(),
    kind: text('kind', { enum: lite.authTokens.kind.enumValues }).notNull(),
    uid: text('uid')
      .notNull()
      .references(() => users.uid, { onDelete: 'cascade' }),
    appid: int8('appid').notNull(),
    createdAt: int8('created_at').notNull(),
    lastUsedAt: int8('last_used_at').notNull(),
    revokedAt: int8('revoked_at'),
  },
  (t) => [uniqueIndex('auth_tokens_hash_uq').on(t.tokenHash), index('auth_tokens_uid_idx').on(t.uid)],
);
export type AuthToken = typeof authTokens.$inferSelect;

export const courses = pgTable(
  'courses',
  {
    // Room numbers start at 10001 and are never reissued (SQLite: AUTOINCREMENT + the 0001_seed_roomnum seed). ALWAYS:
    // no explicit number can be slipped in ahead of the sequence and collide with a later one.
    roomnum: int8('roomnum').primaryKey().generatedAlwaysAsIdentity({ startWith: 10001 }),
    appid: int8('appid').notNull(),
    hostUid: text('host_uid')
      .notNull()
      .references(() => users.uid),
    title: text('title').notNull(),
    cover: text('cover').notNull().default(''),
    state: integer('state').notNull().default(0),
    createdAt: int8('created_at').notNull(),
    listTime: int8('list_time').notNull(),
    beginTime: int8('begin_time').notNull().default(0),
    beginImseq: int8('begin_imseq').notNull().default(0),
    endTime: int8('end_time').notNull().default(0),
    endImseq: int8('end_imseq').notNull().default(0),
    lastHeartbeat: int8('last_heartbeat').notNull().default(0),
    lastRecImseq: int8('last_rec_imseq').notNull().default(0),
    playbackIdxUrl: text('playback_idx_url').notNull().default(''),
    indexStatus: text('index_status', { enum: lite.courses.indexStatus.enumValues }).notNull().default('none'),
    indexDueAt: int8('index_due_at').notNull().default(0),
    indexAttempts: integer('index_attempts').notNull().default(0),
    indexError: text('index_error').notNull().default(''),
    playbackPublished: intBoolean('playback_published')
      .notNull()
      .default(sql`0`),
    playbackAudience: text('playback_audience', { enum: lite.courses.playbackAudience.enumValues })
      .notNull()
      .default('attendees'),
    plannedStart: int8('planned_start'),
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

export const members = pgTable(
  'members',
  {
    roomnum: int8('roomnum')
      .notNull()
      .references(() => courses.roomnum, { onDelete: 'cascade' }),
    uid: text('uid').notNull(),
    role: integer('role').notNull(),
    joinedAt: int8('joined_at').notNull(),
    lastHeartbeat: int8('last_heartbeat').notNull(),
    exitedAt: int8('exited_at'),
    enters: integer('enters').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.roomnum, t.uid] }), index('members_hb_idx').on(t.exitedAt, t.lastHeartbeat)],
);
export type Member = typeof members.$inferSelect;

export const courseEvents = pgTable(
  'course_events',
  {
    id: int8('id').primaryKey().generatedByDefaultAsIdentity(),
    roomnum: int8('roomnum')
      .notNull()
      .references(() => courses.roomnum, { onDelete: 'cascade' }),
    at: int8('at').notNull(),
    kind: text('kind', { enum: lite.courseEvents.kind.enumValues }).notNull(),
    uid: text('uid').notNull().default(''),
    role: integer('role').notNull().default(0),
    detail: text('detail').notNull().default(''),
  },
  (t) => [index('course_events_room_idx').on(t.roomnum, t.id)],
);
export type CourseEvent = typeof courseEvents.$inferSelect;

export const boundFiles = pgTable(
  'bound_files',
  {
    id: int8('id').primaryKey().generatedByDefaultAsIdentity(),
    ownerUid: text('owner_uid').notNull(),
    roomnum: int8('roomnum').notNull().default(0),
    type: integer('type').notNull(),
    fileName: text('file_name').notNull(),
    url: text('url').notNull(),
    size: int8('size').notNull().default(0),
    mime: text('mime').notNull().default(''),
    createdAt: int8('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('bound_files_uq').on(t.ownerUid, t.roomnum, t.url),
    index('bound_files_room_idx').on(t.roomnum, t.createdAt),
  ],
);
export type BoundFile = typeof boundFiles.$inferSelect;

export const imMessages = pgTable(
  'im_messages',
  {
    groupId: text('group_id').notNull(),
    msgSeq: int8('msg_seq').notNull(),
    msgTime: int8('msg_time').notNull(),
    fromAccount: text('from_account').notNull(),
    // A uint32 (0 … 2^32-1): does not fit int4.
    random: int8('random').notNull(),
    msgBody: text('msg_body').notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.msgSeq] })],
);
export type ImMessage = typeof imMessages.$inferSelect;

export const recordings = pgTable(
  'recordings',
  {
    id: int8('id').primaryKey().generatedByDefaultAsIdentity(),
    roomnum: int8('roomnum')
      .notNull()
      .references(() => courses.roomnum, { onDelete: 'cascade' }),
    uid: text('uid').notNull(),
    fileId: text('file_id').notNull(),
    videoId: text('video_id').notNull(),
    videoUrl: text('video_url').notNull(),
    startTime: int8('start_time').notNull(),
    endTime: int8('end_time').notNull(),
    mediaStartTime: int8('media_start_time').notNull(),
    fileSize: int8('file_size').notNull(),
    duration: int8('duration').notNull(),
    imSeq: int8('im_seq').notNull().default(0),
    createdAt: int8('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('recordings_file_uq').on(t.roomnum, t.fileId),
    index('recordings_room_idx').on(t.roomnum, t.startTime),
  ],
);
export type Recording = typeof recordings.$inferSelect;

export const loginFailures = pgTable(
  'login_failures',
  {
    id: int8('id').primaryKey().generatedByDefaultAsIdentity(),
    subject: text('subject').notNull(),
    at: int8('at').notNull(),
  },
  (t) => [index('login_failures_idx').on(t.subject, t.at)],
);

export const loginKnownAddresses = pgTable(
  'login_known_addresses',
  {
    uid: text('uid')
      .notNull()
      .references(() => users.uid, { onDelete: 'cascade' }),
    ip: text('ip').notNull(),
    lastSuccessAt: int8('last_success_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.uid, t.ip] })],
);

export const passwordResetCodes = pgTable(
  'password_reset_codes',
  {
    id: int8('id').primaryKey().generatedByDefaultAsIdentity(),
    uid: text('uid')
      .notNull()
      .references(() => users.uid, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    createdAt: int8('created_at').notNull(),
    expiresAt: int8('expires_at').notNull(),
    usedAt: int8('used_at'),
  },
  (t) => [uniqueIndex('password_reset_codes_hash_uq').on(t.codeHash), index('password_reset_codes_uid_idx').on(t.uid)],
);

export const storedObjects = pgTable(
  'stored_objects',
  {
    key: text('key').primaryKey(),
    ownerUid: text('owner_uid').notNull().default(''),
    size: int8('size').notNull(),
    mime: text('mime').notNull().default(''),
    createdAt: int8('created_at').notNull(),
  },
  (t) => [index('stored_objects_owner_idx').on(t.ownerUid)],
);

/** Kept exact by trigger functions (custom migration in db/migrations-pg), like the SQLite triggers. */
export const courseCounts = pgTable(
  'course_counts',
  {
    appid: int8('appid').notNull(),
    hostUid: text('host_uid').notNull(),
    state: integer('state').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.appid, t.hostUid, t.state] })],
);

/** Bumped by trigger functions (custom migration in db/migrations-pg), like the SQLite triggers. */
export const dataVersions = pgTable('data_versions', {
  name: text('name').primaryKey(),
  version: int8('version').notNull(),
});

export const classStudents = pgTable(
  'class_students',
  {
    teacherUid: text('teacher_uid')
      .notNull()
      .references(() => users.uid, { onDelete: 'cascade' }),
    studentUid: text('student_uid')
      .notNull()
      .references(() => users.uid, { onDelete: 'cascade' }),
    addedAt: int8('added_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.teacherUid, t.studentUid] }), index('class_students_student_idx').on(t.studentUid)],
);
export type ClassStudent = typeof classStudents.$inferSelect;
