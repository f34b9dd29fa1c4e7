/**
 * What an invite link shows: a course's public card (title, teacher, times, state, room number to join in the app) and
 * whether the caller may open its playback. Course cards are what `live/roomlist` already shows any logged-in account
 * of the same appid, so nothing new is exposed; playback access stays with getViewablePlayback.
 * Callers: the /class/<roomnum> page (server component).
 */
import type { ServiceCtx } from '../context';
import { AppError, isAppError } from '../errors';
import { getCourse } from '../services/course-access';
import { getViewablePlayback } from '../services/playback-access';
import type { Caller } from '../services/schemas';

export interface StudentCourseCard {
  roomnum: number;
  title: string;
  hostUid: string;
  state: number;
  createdAt: number;
  beginTime: number;
  endTime: number;
  /** The teacher's plan (a draft's planned start, unix s, and length in minutes), null when none. */
  plannedStart: number | null;
  plannedMinutes: number | null;
  /** The caller may open /watch/<roomnum>. */
  canWatch: boolean;
}

/** Throws ROOM_NOT_FOUND for a missing course or one of another appid. */
export async function studentCourseCard(ctx: ServiceCtx, caller: Caller, roomnum: number): Promise<StudentCourseCard> {
  const c = await getCourse(ctx, roomnum);
  if (c.appid !== caller.appid) throw new AppError('ROOM_NOT_FOUND');
  let canWatch = false;
  try {
    await getViewablePlayback(ctx, caller, roomnum);
    canWatch = true;
  } catch (e) {
    if (!isAppError(e)) throw e;
  }
  return {
    roomnum,
    title: c.title,
    hostUid: c.hostUid,
    state: c.state,
    createdAt: c.createdAt,
    beginTime: c.beginTime,
    endTime: c.endTime,
    plannedStart: c.plannedStart,
    plannedMinutes: c.plannedMinutes,
    canWatch,
  };
}
