/** A published playback, for a student who attended (or the course's teacher). Access is decided by the server. */
import { redirect } from 'next/navigation';
import { isTeacher } from '@/server/services/course-state';
import { AppShell } from '../../_components/app-shell';
import { WatchView } from '../../_components/watch-view';
import { roomnumParam } from '../../_lib/params';
import { currentCaller } from '../../_trpc/server';

export const dynamic = 'force-dynamic';

export default async function WatchPage({ params }: { params: Promise<{ roomnum: string }> }) {
  const { roomnum } = await params;
  const n = roomnumParam(roomnum);
  const caller = await currentCaller();
  if (!caller) redirect('/login');
  return (
    <AppShell uid={caller.uid} teacher={isTeacher(caller)}>
      <WatchView roomnum={n} />
    </AppShell>
  );
}
