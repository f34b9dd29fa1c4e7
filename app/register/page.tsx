import { redirect } from 'next/navigation';
import { isTeacher } from '@/server/services/course-state';
import { AuthForm } from '../_components/auth-form';
import { currentCaller } from '../_trpc/server';

export const dynamic = 'force-dynamic';

export default async function RegisterPage() {
  const caller = await currentCaller();
  if (caller) redirect(isTeacher(caller) ? '/' : '/student');
  return <AuthForm mode="register" />;
}
