/**
 * The console's library and upload rules (issue 8, defect 5): empty files are refused by name, the allowed types
 * and size limit come from one server list, and the library shows the teacher's files from every course once each,
 * attachable to any other course.
 */
import { describe, expect, it } from 'vitest';
import { listBoundFiles, shelfFor } from '../../services/courseware';
import { COURSE_TITLE_MAX } from '../../services/input-rules';
import { UPLOAD_TYPES } from '../../services/uploads';
import { createTestCtx } from '../../testing/test-ctx';
import { errOf, signedIn } from '../testing';

const PDF = 'application/pdf';

describe('uploads: empty files and the rules the console shows', () => {
  it('refuses a 0-byte file with BAD_INPUT naming it, when signing and when binding what arrived empty', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'teach1');
    const e = await errOf(
      t.api.courseware.requestUpload({ roomnum: 0, fileName: 'empty notes.pdf', mime: PDF, size: 0 }),
    );
    expect(e).toMatchObject({ code: 'BAD_REQUEST', appCode: 'BAD_INPUT' });
    expect(e.message).toContain('empty notes.pdf');
    // The browser claimed bytes but stored none: binding refuses too, and nothing is bound.
    const ticket = await t.api.courseware.requestUpload({ roomnum: 0, fileName: 'liar.pdf', mime: PDF, size: 10 });
    await ctx.storage.putObject(ticket.key, Buffer.alloc(0), { contentType: PDF });
    const b = await errOf(t.api.courseware.bind({ roomnum: 0, key: ticket.key, fileName: 'liar.pdf', mime: PDF }));
    expect(b).toMatchObject({ code: 'BAD_REQUEST', appCode: 'BAD_INPUT' });
    expect(b.message).toContain('liar.pdf');
    expect((await t.api.courseware.list({ roomnum: 0 })).total).toBe(0);
  });

  it('exposes every allowed extension grouped by kind, and the configured limit', async () => {
    const ctx = createTestCtx({ UPLOAD_MAX_BYTES: String(500 * 1024 * 1024) });
    const t = await signedIn(ctx, 'teach1');
    const rules = await t.api.courseware.uploadRules();
    expect(rules.maxBytes).toBe(500 * 1024 * 1024);
    expect(rules.kinds.map((k) => k.kind)).toEqual(['pdf', 'ppt', 'doc', 'image', 'video']);
    expect(rules.kinds.flatMap((k) => k.extensions).sort()).toEqual(Object.keys(UPLOAD_TYPES).sort());
    expect(rules.kinds.find((k) => k.kind === 'ppt')?.extensions).toEqual(['ppt', 'pptx']);
  });

  it('tells the course form its title limit from the schema constant', async () => {
    const t = await signedIn(createTestCtx(), 'teach1');
    expect(await t.api.course.limits()).toEqual({ titleMax: COURSE_TITLE_MAX });
  });
});

describe('library: files from every course, once each', () => {
  async function upload(
    ctx: ReturnType<typeof createTestCtx>,
    t: Awaited<ReturnType<typeof signedIn>>,
    roomnum: number,
    fileName: string,
  ) {
    const ticket = await t.api.courseware.requestUpload({ roomnum, fileName, mime: PDF, size: 5 });
    await ctx.storage.putObject(ticket.key, Buffer.from('%PDF-'), { contentType: PDF });
    return t.api.courseware.bind({ roomnum, key: ticket.key, fileName, mime: PDF });
  }

  it('lists course uploads beside library-only files, folds a file used in two courses, and attaches across courses', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'teach1');
    const other = await signedIn(ctx, 'teach2');
    const a = await t.api.course.create({ title: 'Course A' });
    const b = await t.api.course.create({ title: 'Course B' });
    const inA = await upload(ctx, t, a.roomnum, 'from-a.pdf');
    await upload(ctx, t, 0, 'library-only.pdf');
    await upload(ctx, other, 0, 'not-mine.pdf');

    let lib = await t.api.courseware.list({ roomnum: 0 });
    expect(lib.total).toBe(2);
    expect(lib.files.map((f) => f.fileName).sort()).toEqual(['from-a.pdf', 'library-only.pdf']);
    // Only the library's own file can be removed from the library; the course file stays in its course.
    expect(Object.fromEntries(lib.files.map((f) => [f.fileName, f.removable]))).toEqual({
      'from-a.pdf': false,
      'library-only.pdf': true,
    });

    // A file that came from course A attaches to course B (same URL), and the library still lists it once.
    const fromA = lib.files.find((f) => f.fileName === 'from-a.pdf')!;
    const attached = await t.api.courseware.attachFromLibrary({ roomnum: b.roomnum, fileId: fromA.id });
    expect(attached.url).toBe(inA.url);
    expect((await t.api.courseware.list({ roomnum: b.roomnum })).files.map((f) => f.fileName)).toEqual(['from-a.pdf']);
    lib = await t.api.courseware.list({ roomnum: 0 });
    expect(lib.total).toBe(2);
    expect(lib.files.filter((f) => f.url === inA.url)).toHaveLength(1);
    expect(lib.files.find((f) => f.url === inA.url)?.courseCount).toBe(2);

    // Another teacher cannot attach it; the legacy library (querybind roomnum 0) keeps its 2017 meaning.
    const c = await other.api.course.create({ title: 'Theirs' });
    expect(await errOf(other.api.courseware.attachFromLibrary({ roomnum: c.roomnum, fileId: fromA.id }))).toMatchObject(
      { appCode: 'NOT_FOUND' },
    );
    const legacy = await listBoundFiles(
      ctx,
      await shelfFor(ctx, { uid: 'teach1', role: 1, appid: ctx.env.SDKAPPID }, 0),
      { index: 0, size: 10 },
    );
    expect(legacy.files.map((f) => f.fileName)).toEqual(['library-only.pdf']);
  });
});
