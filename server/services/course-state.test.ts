/**
 * The course state machine as one table: what each state allows, for the services and the console alike; that the
 * field schemas accept exactly its states and roles; and that the module stays importable by client components.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  canEdit,
  canEditFiles,
  canEnd,
  canStart,
  COURSE_STATE,
  COURSE_STATES,
  ENDED_STATES,
  FILES_EDITABLE_STATES,
  hasEnded,
  isDraft,
  isLive,
  isTeacher,
  ROLE,
} from './course-state';
import { courseStateInput, roleInput } from './schemas';

describe('what each course state allows', () => {
  // state → [isDraft, isLive, hasEnded, canStart, canEnd, canEdit, canEditFiles]
  const table: [number, boolean[]][] = [
    [COURSE_STATE.CREATED, [true, false, false, true, false, true, true]],
    [COURSE_STATE.LIVE, [false, true, false, false, true, false, true]],
    [COURSE_STATE.ENDED, [false, false, true, false, false, false, false]],
    [COURSE_STATE.PLAYBACK, [false, false, true, false, false, false, false]],
  ];
  it.each(table)('state %i', (state, expected) => {
    const c = { state };
    expect([isDraft, isLive, hasEnded, canStart, canEnd, canEdit, canEditFiles].map((p) => p(c))).toEqual(expected);
  });

  it('the numbers are the legacy protocol’s, and the state lists agree with the predicates', () => {
    expect(COURSE_STATE).toEqual({ CREATED: 0, LIVE: 1, ENDED: 2, PLAYBACK: 3 });
    expect(COURSE_STATES).toEqual([0, 1, 2, 3]);
    expect(COURSE_STATES.filter((state) => hasEnded({ state }))).toEqual(ENDED_STATES);
    expect(COURSE_STATES.filter((state) => canEditFiles({ state }))).toEqual(FILES_EDITABLE_STATES);
  });

  it('an unknown state allows nothing', () => {
    const c = { state: 7 };
    expect([isDraft, isLive, hasEnded, canStart, canEnd, canEdit, canEditFiles].some((p) => p(c))).toBe(false);
  });
});

describe('roles', () => {
  it('teacher is 1, student 0, as accounts and members store them', () => {
    expect(ROLE).toEqual({ STUDENT: 0, TEACHER: 1 });
    expect(isTeacher({ role: ROLE.TEACHER })).toBe(true);
    expect(isTeacher({ role: ROLE.STUDENT })).toBe(false);
  });
});

describe('the field schemas are built from the same numbers', () => {
  it('courseStateInput accepts exactly the states, roleInput exactly the roles', () => {
    for (const s of COURSE_STATES) expect(courseStateInput.safeParse(s).success).toBe(true);
    for (const s of [-1, 4, 1.5, '1']) expect(courseStateInput.safeParse(s).success).toBe(false);
    for (const r of Object.values(ROLE)) expect(roleInput.safeParse(r).success).toBe(true);
    for (const r of [2, -1, '1']) expect(roleInput.safeParse(r).success).toBe(false);
  });
});

describe('client-safe', () => {
  it('imports nothing, so client components bundle it without any server code', () => {
    const src = readFileSync(new URL('./course-state.ts', import.meta.url), 'utf8');
    expect(src).not.toMatch(/^\s*import\b/m);
    expect(src).not.toMatch(/\brequire\(|\bimport\(/);
  });
});
