/** Students who log in land here: a polite note that the console is for teachers, and their published playbacks. */
import { redirect } from 'next/navigation';
import { isTeacher } from '@/server/services/course-state';
import { AppShell } from '../_components/app-shell';
import { StudentView } from '../_components/student-view';
import { currentCaller } from '../_trpc/server';

export const dynamic = 'force-dynamic';

export default async function StudentPage() {
  const caller = await currentCaller();
  if (!caller) redirect('/login');
  if (isTeacher(caller)) redirect('/');
  return (
    <AppShell uid={caller.uid} teacher={false}>
      <StudentView />
    </AppShell>
  );
}
