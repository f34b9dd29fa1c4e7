import { describe, expect, it } from 'vitest';
import { listBoundFiles, bindFile, bindTargetFor, shelfFor } from '../../services/courseware';
import { createTestCtx } from '../../testing/test-ctx';
import { publicUrlOf } from '../../integrations/storage/stored-ref';
import { errOf, signedIn, TEST_ORIGIN } from '../testing';
import { rawRows } from '../../../db/dialect';
import { sql } from 'drizzle-orm';

const PDF = 'application/pdf';

describe('courseware router', () => {
  it('uploads directly to storage, binds through courseware.bindFile (legacy querybind sees it), lists and unbinds', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'teach1');
    const { roomnum } = await t.api.course.create({ title: 'With files' });
    const ticket = await t.api.courseware.requestUpload({ roomnum, fileName: '第一课.pdf', mime: PDF, size: 5 });
    expect(ticket.method).toBe('PUT');
    expect(ticket.key).toMatch(/^uploads\/teach1\/[0-9a-f]{24}\.pdf$/);
    expect(ticket.url).toContain(`/storage/${ticket.key}?`);
    expect(ticket.headers).toEqual({ 'Content-Type': PDF });
    expect(ticket.maxBytes).toBe(ctx.env.UPLOAD_MAX_BYTES);

    // Not uploaded yet: binding is refused.
    expect(
      await errOf(t.api.courseware.bind({ roomnum, key: ticket.key, fileName: '第一课.pdf', mime: PDF })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    await ctx.storage.putObject(ticket.key, Buffer.from('%PDF-'), { contentType: PDF });
    const bound = await t.api.courseware.bind({ roomnum, key: ticket.key, fileName: '第一课.pdf', mime: PDF });
    expect(bound).toMatchObject({
      fileName: '第一课.pdf',
      size: 5,
      mime: PDF,
      type: 0,
      uploader: 'teach1',
      url: `${TEST_ORIGIN}/storage/${ticket.key}`,
    });
    // Stored as the key; the URL is built at the host the browser reached (not PUBLIC_BASE_URL's default localhost:3000).
    expect((await rawRows(ctx.db, sql`SELECT url FROM bound_files WHERE id = ${bound.id}`))[0]).toEqual({
      url: `storage:${ticket.key}`,
    });

    // What live/querybind reads:
    const legacy = await listBoundFiles(
      ctx,
      await shelfFor(ctx, { uid: 'stu', role: 0, appid: ctx.env.SDKAPPID }, roomnum),
      { index: 0, size: 10 },
    );
    expect(legacy.files.map((f) => f.fileName)).toEqual(['第一课.pdf']);
    // And a file bound by a mobile client appears in the console:
    await bindFile(ctx, await bindTargetFor(ctx, { uid: 'teach1', role: 1, appid: ctx.env.SDKAPPID }, roomnum), {
      type: 1,
      file_name: 'phone.mp4',
      url: 'https://cdn.example/phone.mp4',
    });
    const list = await t.api.courseware.list({ roomnum });
    expect(list.total).toBe(2);
    expect(list.files.map((f) => f.fileName).sort()).toEqual(['phone.mp4', '第一课.pdf']);

    await t.api.courseware.unbind({ roomnum, url: bound.url });
    expect((await t.api.courseware.list({ roomnum })).files.map((f) => f.fileName)).toEqual(['phone.mp4']);
    expect(await errOf(t.api.courseware.unbind({ roomnum, url: bound.url }))).toMatchObject({
      code: 'NOT_FOUND',
      appCode: 'FILE_NOT_BOUND',
    });
  });

  it('checks type by extension AND declared MIME, and the size limit, when signing and when binding', async () => {
    const ctx = createTestCtx({ UPLOAD_MAX_BYTES: '100' });
    const t = await signedIn(ctx, 'teach1');
    const req = (fileName: string, mime: string, size = 10) =>
      t.api.courseware.requestUpload({ roomnum: 0, fileName, mime, size });
    expect(await errOf(req('evil.html', 'text/html'))).toMatchObject({ code: 'BAD_REQUEST', appCode: 'BAD_INPUT' });
    expect(await errOf(req('noext', PDF))).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await errOf(req('fake.pdf', 'text/html'))).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await errOf(req('slides.pptx', 'application/pdf'))).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await errOf(req('big.mp4', 'video/mp4', 101))).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      appCode: 'TOO_LARGE',
    });
    for (const [name, mime] of [
      ['a.pdf', PDF],
      ['a.PPT', 'application/vnd.ms-powerpoint'],
      ['a.pptx', 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
      ['a.doc', 'application/msword'],
      ['a.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      ['a.png', 'image/png'],
      ['a.jpeg', 'image/jpeg'],
      ['a.mp4', 'video/mp4'],
    ] as const) {
      await expect(req(name, mime)).resolves.toMatchObject({ method: 'PUT' });
    }

    // The object that arrives is checked again: bigger than allowed, or renamed to another kind.
    const big = await req('clip.mp4', 'video/mp4', 10);
    await ctx.storage.putObject(big.key, Buffer.alloc(101), { contentType: 'video/mp4' });
    expect(
      await errOf(t.api.courseware.bind({ roomnum: 0, key: big.key, fileName: 'clip.mp4', mime: 'video/mp4' })),
    ).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    const doc = await req('notes.pdf', PDF, 10);
    await ctx.storage.putObject(doc.key, Buffer.alloc(10), { contentType: PDF });
    expect(
      await errOf(t.api.courseware.bind({ roomnum: 0, key: doc.key, fileName: 'notes.png', mime: 'image/png' })),
    ).toMatchObject({ code: 'BAD_REQUEST' });
    const ok = await t.api.courseware.bind({ roomnum: 0, key: doc.key, fileName: 'notes.pdf', mime: PDF });
    expect(ok.size).toBe(10);
    // The library is the teacher's own.
    expect((await t.api.courseware.list({ roomnum: 0 })).files.map((f) => f.fileName)).toEqual(['notes.pdf']);
  });

  it("cannot bind someone else's upload, escape the upload prefix, or add files to an ended course", async () => {
    const ctx = createTestCtx();
    const a = await signedIn(ctx, 'teachA');
    const b = await signedIn(ctx, 'teachB');
    const ticket = await a.api.courseware.requestUpload({ roomnum: 0, fileName: 'a.pdf', mime: PDF, size: 3 });
    await ctx.storage.putObject(ticket.key, Buffer.from('abc'), { contentType: PDF });
    expect(
      await errOf(b.api.courseware.bind({ roomnum: 0, key: ticket.key, fileName: 'a.pdf', mime: PDF })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await errOf(
        b.api.courseware.bind({ roomnum: 0, key: 'uploads/teachB/../teachA/x.pdf', mime: PDF, fileName: 'x.pdf' }),
      ),
    ).toMatchObject({ code: 'BAD_REQUEST' });
    expect((await b.api.courseware.list({ roomnum: 0 })).total).toBe(0);

    const { roomnum } = await a.api.course.create({ title: 'Ends' });
    expect(
      await errOf(b.api.courseware.requestUpload({ roomnum, fileName: 'b.pdf', mime: PDF, size: 1 })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    await a.api.course.start({ roomnum });
    await a.api.course.end({ roomnum });
    expect(
      await errOf(a.api.courseware.requestUpload({ roomnum, fileName: 'late.pdf', mime: PDF, size: 1 })),
    ).toMatchObject({ code: 'PRECONDITION_FAILED' });
    expect(
      await errOf(a.api.courseware.bind({ roomnum, key: ticket.key, fileName: 'a.pdf', mime: PDF })),
    ).toMatchObject({ code: 'PRECONDITION_FAILED' });
  });

  it('uses an uploaded image as a course cover, and refuses a non-image', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'teach1');
    expect(
      await errOf(t.api.courseware.requestUpload({ purpose: 'cover', fileName: 'c.pdf', mime: PDF, size: 1 })),
    ).toMatchObject({ code: 'BAD_REQUEST' });
    const ticket = await t.api.courseware.requestUpload({
      purpose: 'cover',
      fileName: 'cover.png',
      mime: 'image/png',
      size: 4,
    });
    await ctx.storage.putObject(ticket.key, Buffer.from('\x89PNG'), { contentType: 'image/png' });
    const { roomnum } = await t.api.course.create({
      title: 'Covered',
      cover: { key: ticket.key, fileName: 'cover.png', mime: 'image/png' },
    });
    expect((await t.api.course.byId({ roomnum })).cover).toBe(`${TEST_ORIGIN}/storage/${ticket.key}`);
    expect((await t.api.course.update({ roomnum, removeCover: true })).cover).toBe('');
  });
});

describe('courseware.attachFromLibrary', () => {
  it("binds a library file to a course (visible to querybind), only the teacher's own file and course", async () => {
    const ctx = createTestCtx();
    const a = await signedIn(ctx, 'teachA');
    const b = await signedIn(ctx, 'teachB');
    const ticket = await a.api.courseware.requestUpload({ roomnum: 0, fileName: 'slides.pdf', mime: PDF, size: 3 });
    await ctx.storage.putObject(ticket.key, Buffer.from('abc'), { contentType: PDF });
    const lib = await a.api.courseware.bind({ roomnum: 0, key: ticket.key, fileName: 'slides.pdf', mime: PDF });
    const { roomnum } = await a.api.course.create({ title: 'Uses library' });
    const bRoom = (await b.api.course.create({ title: 'B' })).roomnum;

    const attached = await a.api.courseware.attachFromLibrary({ roomnum, fileId: lib.id });
    expect(attached).toMatchObject({ fileName: 'slides.pdf', url: lib.url, size: 3, mime: PDF });
    const legacy = await listBoundFiles(
      ctx,
      await shelfFor(ctx, { uid: 'stu', role: 0, appid: ctx.env.SDKAPPID }, roomnum),
      { index: 0, size: 10 },
    );
    expect(legacy.files.map((f) => publicUrlOf(ctx.storage, f.url, TEST_ORIGIN))).toEqual([lib.url]);
    expect(await errOf(a.api.courseware.attachFromLibrary({ roomnum, fileId: lib.id }))).toMatchObject({
      code: 'CONFLICT',
      appCode: 'FILE_ALREADY_BOUND',
    });
    // B can neither use A's library file nor attach to A's course.
    expect(await errOf(b.api.courseware.attachFromLibrary({ roomnum: bRoom, fileId: lib.id }))).toMatchObject({
      code: 'NOT_FOUND',
      appCode: 'NOT_FOUND',
    });
    expect(await errOf(b.api.courseware.attachFromLibrary({ roomnum, fileId: lib.id }))).toMatchObject({
      code: 'NOT_FOUND',
      appCode: 'ROOM_NOT_FOUND',
    });
    // A course file is in the library too (library.test.ts): attaching it to its own course again is a duplicate.
    expect(await errOf(a.api.courseware.attachFromLibrary({ roomnum, fileId: attached.id }))).toMatchObject({
      code: 'CONFLICT',
      appCode: 'FILE_ALREADY_BOUND',
    });
  });
});
