import { describe, expect, it } from 'vitest';
import { withLegacyServer } from '../../testing/legacy-server';
import { createCourse as legacyCreate, signUp } from '../../testing/legacy-fixtures';
import { createTestCtx, T0 } from '../../testing/test-ctx';
import { errOf, signedIn } from '../testing';
import { rawRows } from '../../../db/dialect';
import { sql } from 'drizzle-orm';

const H = 3600;

describe('course scheduling', () => {
  it('creates and edits a draft with a planned start and length, validated, and clears it with null', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'teach1');
    const { roomnum } = await t.api.course.create({ title: 'Planned', plannedStart: T0 + 2 * H, plannedMinutes: 45 });
    expect(await t.api.course.byId({ roomnum })).toMatchObject({ plannedStart: T0 + 2 * H, plannedMinutes: 45 });

    const bad = async (p: Promise<unknown>) => (await errOf(p)).code;
    expect(await bad(t.api.course.create({ title: 'x', plannedMinutes: 4 }))).toBe('BAD_REQUEST');
    expect(await bad(t.api.course.create({ title: 'x', plannedMinutes: 601 }))).toBe('BAD_REQUEST');
    expect(await bad(t.api.course.create({ title: 'x', plannedStart: T0 - 2 * 24 * H }))).toBe('BAD_REQUEST');
    expect(await bad(t.api.course.create({ title: 'x', plannedStart: T0 + 400 * 24 * H }))).toBe('BAD_REQUEST');
    expect(await bad(t.api.course.create({ title: 'x', plannedStart: 1 }))).toBe('BAD_REQUEST');

    await t.api.course.update({ roomnum, plannedStart: T0 + 5 * H, plannedMinutes: 90 });
    expect(await t.api.course.byId({ roomnum })).toMatchObject({ plannedStart: T0 + 5 * H, plannedMinutes: 90 });
    // Two days later the (now past) plan is kept when only the title changes.
    ctx.clock.advance(48 * H);
    await t.api.course.update({ roomnum, title: 'Renamed' });
    expect(await t.api.course.byId({ roomnum })).toMatchObject({ title: 'Renamed', plannedStart: T0 + 5 * H });
    await t.api.course.update({ roomnum, plannedStart: null, plannedMinutes: null });
    expect(await t.api.course.byId({ roomnum })).toMatchObject({ plannedStart: null, plannedMinutes: null });

    // Only drafts are editable.
    await t.api.course.start({ roomnum });
    expect((await errOf(t.api.course.update({ roomnum, plannedStart: ctx.clock.nowS() + H }))).appCode).toBe(
      'COURSE_STATE',
    );
  });

  it('sorts the list by planned start, soonest first, courses without a plan last', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'teach1');
    const none = await t.api.course.create({ title: 'No plan' });
    const late = await t.api.course.create({ title: 'Late', plannedStart: T0 + 9 * H });
    const soon = await t.api.course.create({ title: 'Soon', plannedStart: T0 + H });
    const mid = await t.api.course.create({ title: 'Mid', plannedStart: T0 + 3 * H });
    const planned = await t.api.course.list({ page: 1, pageSize: 10, sort: 'planned' });
    expect(planned.items.map((c) => c.roomnum)).toEqual([soon.roomnum, mid.roomnum, late.roomnum, none.roomnum]);
    const recent = await t.api.course.list({ page: 1, pageSize: 10 });
    expect(recent.items.map((c) => c.roomnum)).toEqual([mid.roomnum, soon.roomnum, late.roomnum, none.roomnum]);
    const page2 = await t.api.course.list({ page: 2, pageSize: 2, sort: 'planned', state: 0 });
    expect(page2.items.map((c) => c.roomnum)).toEqual([late.roomnum, none.roomnum]);
  });

  it('dashboard: upcoming drafts from now on, soonest first', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'teach1');
    const other = await signedIn(ctx, 'teach2');
    await other.api.course.create({ title: 'Not mine', plannedStart: T0 + H });
    const past = await t.api.course.create({ title: 'Was this morning', plannedStart: T0 - 3 * H, plannedMinutes: 60 });
    const running = await t.api.course.create({
      title: 'Should be on now',
      plannedStart: T0 - 10 * 60,
      plannedMinutes: 45,
    });
    const later = await t.api.course.create({ title: 'Later', plannedStart: T0 + 4 * H });
    const next = await t.api.course.create({ title: 'Next', plannedStart: T0 + H });
    await t.api.course.create({ title: 'Unplanned' });
    const started = await t.api.course.create({ title: 'Started', plannedStart: T0 + 2 * H });
    await t.api.course.start({ roomnum: started.roomnum });
    const home = await t.api.dashboard.home({ eastMin: 0 });
    expect(home.upcoming.map((c) => c.roomnum)).toEqual([running.roomnum, next.roomnum, later.roomnum]);
    expect(home.upcoming.map((c) => c.roomnum)).not.toContain(past.roomnum);
    expect(home.upcoming[1]).toMatchObject({ title: 'Next', plannedStart: T0 + H });
    // The other drafts are the ones not listed as scheduled: unplanned, or planned for a time already past.
    expect(home.drafts.map((c) => c.title).sort()).toEqual(['Unplanned', 'Was this morning']);
    for (const c of home.upcoming) expect(home.drafts.map((d) => d.roomnum)).not.toContain(c.roomnum);
  });

  it('a length needs a start: refused alone, and clearing the start clears the length', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'teach1');
    const noStart = await errOf(t.api.course.create({ title: 'x', plannedMinutes: 50 }));
    expect(noStart.appCode).toBe('BAD_INPUT');
    expect(noStart.message).toBe('plannedMinutes: needs a planned start');
    const { roomnum } = await t.api.course.create({ title: 'Planned', plannedStart: T0 + H, plannedMinutes: 50 });
    expect((await errOf(t.api.course.update({ roomnum, plannedStart: null, plannedMinutes: 40 }))).message).toBe(
      'plannedMinutes: needs a planned start',
    );
    await t.api.course.update({ roomnum, plannedStart: null });
    expect(await t.api.course.byId({ roomnum })).toMatchObject({ plannedStart: null, plannedMinutes: null });
    const plain = await t.api.course.create({ title: 'Plain' });
    expect((await errOf(t.api.course.update({ roomnum: plain.roomnum, plannedMinutes: 30 }))).appCode).toBe(
      'BAD_INPUT',
    );
  });

  it('a planned start out of bounds names the field and the bound', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'teach1');
    expect((await errOf(t.api.course.create({ title: 'x', plannedStart: T0 + 730 * 24 * H }))).message).toBe(
      'plannedStart: must be at most 366 days ahead',
    );
    expect((await errOf(t.api.course.create({ title: 'x', plannedStart: T0 - 2 * 24 * H }))).message).toBe(
      'plannedStart: must be at most 24 hours ago',
    );
  });

  it('calendar: drafts by planned start, started courses by begin_time, only within the window', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'teach1');
    const other = await signedIn(ctx, 'teach2');
    await other.api.course.create({ title: 'Not mine', plannedStart: T0 + H });
    const draft = await t.api.course.create({ title: 'Draft', plannedStart: T0 + 3 * H, plannedMinutes: 50 });
    const nextWeek = await t.api.course.create({ title: 'Next week', plannedStart: T0 + 8 * 24 * H });
    await t.api.course.create({ title: 'Unplanned' });
    // Planned for later, but started now: placed at its begin_time.
    const ran = await t.api.course.create({ title: 'Ran', plannedStart: T0 + 5 * H });
    ctx.clock.advance(H);
    await t.api.course.start({ roomnum: ran.roomnum });
    ctx.clock.advance(40 * 60);
    await t.api.course.end({ roomnum: ran.roomnum });
    const week = await t.api.course.calendar({ from: T0, to: T0 + 7 * 24 * H });
    expect(week).toEqual([
      { roomnum: ran.roomnum, title: 'Ran', state: 2, at: T0 + H, minutes: 40 },
      { roomnum: draft.roomnum, title: 'Draft', state: 0, at: T0 + 3 * H, minutes: 50 },
    ]);
    expect(
      (await t.api.course.calendar({ from: T0 + 7 * 24 * H, to: T0 + 14 * 24 * H })).map((e) => e.roomnum),
    ).toEqual([nextWeek.roomnum]);
    expect((await errOf(t.api.course.calendar({ from: T0, to: T0 + 60 * 24 * H }))).code).toBe('BAD_REQUEST');
    expect((await errOf(t.api.course.calendar({ from: T0, to: T0 }))).code).toBe('BAD_REQUEST');
  });

  it('the legacy protocol is unchanged: live/create ignores plan fields, roomlist does not show them', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'teach1');
    await t.api.course.create({ title: 'Console planned', plannedStart: T0 + H, plannedMinutes: 30 });
    await withLegacyServer(ctx, async (s) => {
      const token = await signUp(s, 'legacyteacher', 1);
      const roomnum = await legacyCreate(s, token, 'From phone', {
        planned_start: T0 + H,
        plannedStart: T0 + H,
        planned_minutes: 30,
      });
      const row = (
        await rawRows(ctx.db, sql`SELECT planned_start, planned_minutes FROM courses WHERE roomnum = ${roomnum}`)
      )[0];
      expect(row).toEqual({ planned_start: null, planned_minutes: null });
      const list = await s.call<{ rooms: Record<string, unknown>[] }>('live/roomlist', { token, index: 0, size: 10 });
      expect(list.errorCode).toBe(0);
      expect(list.data!.rooms).toHaveLength(2);
      for (const room of list.data!.rooms)
        for (const k of Object.keys(room)) expect(k.toLowerCase()).not.toContain('plan');
    });
  });
});
