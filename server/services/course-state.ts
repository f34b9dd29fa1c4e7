/**
 * The course state machine and the two account roles: the numbers the legacy protocol and the database use, which
 * state allows what, and the predicates both the services and the console's React components decide with. It
 * imports nothing, so client components can import it (the rules are then written once for server and client).
 *
 *   CREATED (0) --start--> LIVE (1) --end (teacher, or dead-room sweep)--> ENDED (2) --playback index ready--> PLAYBACK (3)
 *
 * A course is edited, deleted and started only while CREATED; ended only while LIVE; its files change while CREATED or
 * LIVE; an ended course (ENDED or PLAYBACK) has a playback to review. The services guard each UPDATE with the same
 * state in SQL (so a concurrent change is refused); these predicates are the check on the row as read.
 */

export const COURSE_STATE = { CREATED: 0, LIVE: 1, ENDED: 2, PLAYBACK: 3 } as const;
export type CourseState = (typeof COURSE_STATE)[keyof typeof COURSE_STATE];
/** Every state, in the order a course goes through them. */
export const COURSE_STATES: readonly CourseState[] = [
  COURSE_STATE.CREATED,
  COURSE_STATE.LIVE,
  COURSE_STATE.ENDED,
  COURSE_STATE.PLAYBACK,
];

export const ROLE = { STUDENT: 0, TEACHER: 1 } as const;
export type Role = (typeof ROLE)[keyof typeof ROLE];

/** States of a course that has ended (with or without its playback ready): the ones that have a playback to review. */
export const ENDED_STATES: readonly CourseState[] = [COURSE_STATE.ENDED, COURSE_STATE.PLAYBACK];
/** States of a course whose class has begun (live, or over): the ones with a begin time. */
export const STARTED_STATES: readonly CourseState[] = [COURSE_STATE.LIVE, COURSE_STATE.ENDED, COURSE_STATE.PLAYBACK];
/** States in which a course's files may change: before and during the class. */
export const FILES_EDITABLE_STATES: readonly CourseState[] = [COURSE_STATE.CREATED, COURSE_STATE.LIVE];

interface HasState {
  state: number;
}

/** Not started yet (a draft, possibly scheduled). */
export function isDraft(c: HasState): boolean {
  return c.state === COURSE_STATE.CREATED;
}

/** The class is in progress: members enter and leave, the host beats, the teacher may end it. */
export function isLive(c: HasState): boolean {
  return c.state === COURSE_STATE.LIVE;
}

/** Ended, whether its playback is ready yet or not. */
export function hasEnded(c: HasState): boolean {
  return (ENDED_STATES as readonly number[]).includes(c.state);
}

/** The class has begun: live now, or over. */
export function hasStarted(c: HasState): boolean {
  return (STARTED_STATES as readonly number[]).includes(c.state);
}

/**
 * The state a course is shown and counted as in the console (badge, state tabs, their counts): a ready replay is
 * PLAYBACK and any other ended course ENDED, whatever its number says (a course indexed without any recording has
 * state 3 but nothing to watch). `replayReady` is the playback rule's 'ready' (playback-status.ts); the same rule in
 * SQL, for counting, is playback-status.ts shownStateSql, and a test holds the two equal.
 */
export function shownState(c: HasState, replayReady: boolean): number {
  if (replayReady) return COURSE_STATE.PLAYBACK;
  return hasEnded(c) ? COURSE_STATE.ENDED : c.state;
}

/** A course starts once, from CREATED (an ended course cannot be restarted). */
export function canStart(c: HasState): boolean {
  return isDraft(c);
}

/** Only a live course can be ended. */
export function canEnd(c: HasState): boolean {
  return isLive(c);
}

/** Title, schedule and cover may change, and the course may be deleted, only before it starts. */
export function canEdit(c: HasState): boolean {
  return isDraft(c);
}

/** Files may be bound, uploaded or unbound before and during the class only. */
export function canEditFiles(c: HasState): boolean {
  return (FILES_EDITABLE_STATES as readonly number[]).includes(c.state);
}

/** The account (or a member, or an attendance row) is a teacher's. */
export function isTeacher(a: { role: number }): boolean {
  return a.role === ROLE.TEACHER;
}
