/** Every console page requires a teacher session: no session → login; a student → the student page. */
import { redirect } from 'next/navigation';
import { isTeacher } from '@/server/services/course-state';
import { AppShell } from '../_components/app-shell';
import { currentCaller } from '../_trpc/server';

export const dynamic = 'force-dynamic';

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const caller = await currentCaller();
  if (!caller) redirect('/login');
  if (!isTeacher(caller)) redirect('/student');
  return (
    <AppShell uid={caller.uid} teacher>
      {children}
    </AppShell>
  );
}
