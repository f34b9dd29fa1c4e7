/** `live/*` classroom commands: create, startcourse, exitroom, heartbeat, roomlist, reportmemid, roomidlist, reportbind, querybind. */
import { z } from 'zod';
import { listCourses } from '../../services/course-list';
import { createCourse, endCourse, startCourse } from '../../services/courses';
import { taughtCourse } from '../../services/course-access';
import { bindFile, bindTargetFor, listBoundFiles, LIBRARY, shelfFor, unbindFile } from '../../services/courseware';
import { listRoomMembers, recordHeartbeat, reportMember } from '../../services/members';
import {
  bindFileInput,
  courseCoverInput,
  courseStateInput,
  courseTitleInput,
  pageIndexInput,
  pageSizeInput,
  roomnumInput,
  unixTimeInput,
  userIdInput,
} from '../../services/schemas';
import { publicUrlOf } from '../../integrations/storage/stored-ref';
import { playbackIndexesFor } from '../../services/playback-access';
import { baseUrlOf, command, type CommandEntry } from '../command';
import { roomnumOrString } from '../fields';

const operateInput = z.union([z.literal(0), z.literal(1)]);
/** Optional roomnum where 0 or absent means the teacher's library. */
const libraryOrRoom = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional();

export const liveCommands: Record<string, CommandEntry> = {
  'live/create': command({
    auth: 'teacher',
    input: z.object({ title: courseTitleInput, cover: courseCoverInput.optional() }),
    run: (ctx, input, caller, meta) => createCourse(ctx, caller, input, baseUrlOf(ctx, meta)),
  }),
  'live/startcourse': command({
    auth: 'token',
    input: z.object({ roomnum: roomnumInput }),
    run: async (ctx, input, caller, meta) =>
      startCourse(ctx, await taughtCourse(ctx, caller, input.roomnum), { timeStamp: meta.common.timeStamp }),
  }),
  'live/exitroom': command({
    auth: 'token',
    input: z.object({ roomnum: roomnumInput }),
    run: async (ctx, input, caller, meta) =>
      endCourse(ctx, await taughtCourse(ctx, caller, input.roomnum), { timeStamp: meta.common.timeStamp }),
  }),
  'live/heartbeat': command({
    auth: 'token',
    logLevel: 'debug',
    input: z.object({ roomnum: roomnumOrString }),
    run: (ctx, input, caller) => recordHeartbeat(ctx, caller, input.roomnum),
  }),
  'live/roomlist': command({
    auth: 'token',
    input: z.object({
      index: pageIndexInput,
      size: pageSizeInput,
      roomnum: roomnumInput.optional(),
      from_time: unixTimeInput.optional(),
      to_time: unixTimeInput.optional(),
      host_uid: userIdInput.optional(),
      state: courseStateInput.optional(),
    }),
    run: async (ctx, input, caller, meta) => {
      const r = await listCourses(ctx, {
        index: input.index,
        size: input.size,
        roomnum: input.roomnum,
        fromTime: input.from_time,
        toTime: input.to_time,
        hostUid: input.host_uid,
        state: input.state,
      });
      // The list is cached for everyone; playback indexes are per caller (playback-access.ts), URLs at the request's base.
      const base = baseUrlOf(ctx, meta);
      const playback = await playbackIndexesFor(ctx, caller, r.rooms);
      return {
        total: r.total,
        rooms: r.rooms.map((c) => ({
          host_uid: c.hostUid,
          title: c.title,
          state: c.state,
          roomnum: c.roomnum,
          groupid: String(c.roomnum),
          cover: publicUrlOf(ctx.storage, c.cover, base),
          memsize: c.memsize,
          playback_idx_url: publicUrlOf(ctx.storage, playback.get(c.roomnum) ?? '', base),
          begin_time: c.beginTime,
          begin_imseq: c.beginImseq,
          end_time: c.endTime,
          end_imseq: c.endImseq,
        })),
      };
    },
  }),
  'live/reportmemid': command({
    auth: 'token',
    input: z.object({ roomnum: roomnumOrString, operate: operateInput }),
    run: (ctx, input, caller, meta) => reportMember(ctx, caller, { ...input, timeStamp: meta.common.timeStamp }),
  }),
  'live/roomidlist': command({
    auth: 'token',
    input: z.object({ roomnum: roomnumOrString, index: pageIndexInput, size: pageSizeInput }),
    run: async (ctx, input) => {
      const r = await listRoomMembers(ctx, input);
      return { total: r.total, idlist: r.members.map((m) => ({ id: m.uid, role: m.role })) };
    },
  }),
  'live/reportbind': command({
    auth: 'token',
    input: z.object({ roomnum: libraryOrRoom, operate: operateInput, bind_file: bindFileInput }),
    run: async (ctx, input, caller, meta) => {
      const to = await bindTargetFor(ctx, caller, input.roomnum ?? LIBRARY);
      const base = baseUrlOf(ctx, meta);
      if (input.operate === 0) await bindFile(ctx, to, input.bind_file, {}, base);
      else await unbindFile(ctx, to, input.bind_file.url, base);
    },
  }),
  'live/querybind': command({
    auth: 'token',
    input: z.object({
      roomnum: libraryOrRoom,
      index: pageIndexInput,
      size: pageSizeInput,
      from_time: unixTimeInput.optional(),
      to_time: unixTimeInput.optional(),
    }),
    run: async (ctx, input, caller, meta) => {
      // Any signed-in account reads an existing course's files (students need them in class); room 0 is its library.
      const r = await listBoundFiles(ctx, await shelfFor(ctx, caller, input.roomnum ?? LIBRARY), {
        index: input.index,
        size: input.size,
        fromTime: input.from_time,
        toTime: input.to_time,
      });
      const base = baseUrlOf(ctx, meta);
      return {
        total: r.total,
        bind_files: r.files.map((f) => ({
          type: f.type,
          file_name: f.fileName,
          url: publicUrlOf(ctx.storage, f.url, base),
        })),
      };
    },
  }),
};
