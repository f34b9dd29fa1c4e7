/**
 * Where an invite link lands: /class/<roomnum>. Logged out → the login page, which comes back here. An ended course
 * whose playback the caller may watch goes straight to it; otherwise a course card (title, teacher, times, state and
 * what to do: join in the app with the room number, or wait for the replay).
 */
import { redirect } from 'next/navigation';
import { isAppError } from '@/server/errors';
import { isTeacher } from '@/server/services/course-state';
import { studentCourseCard, type StudentCourseCard } from '@/server/console/student-course';
import { AppShell } from '../../_components/app-shell';
import { ClassCourseView } from '../../_components/class-course-view';
import { roomnumParam } from '../../_lib/params';
import { currentCaller, serviceCtx } from '../../_trpc/server';

export const dynamic = 'force-dynamic';

export default async function ClassPage({ params }: { params: Promise<{ roomnum: string }> }) {
  const { roomnum } = await params;
  const n = roomnumParam(roomnum);
  const caller = await currentCaller();
  if (!caller) redirect(`/login?next=${encodeURIComponent(`/class/${n}`)}`);
  let card: StudentCourseCard | null = null;
  try {
    card = await studentCourseCard(serviceCtx(), caller, n);
  } catch (e) {
    if (!isAppError(e) || e.code !== 'ROOM_NOT_FOUND') throw e;
  }
  if (card?.canWatch && !isTeacher(caller)) redirect(`/watch/${n}`);
  return (
    <AppShell uid={caller.uid} teacher={isTeacher(caller)}>
      <ClassCourseView card={card} />
    </AppShell>
  );
}
