import { redirect } from 'next/navigation';
import { isTeacher } from '@/server/services/course-state';
import { AuthForm } from '../_components/auth-form';
import { safeNextPath } from '../_lib/next-path';
import { currentCaller } from '../_trpc/server';

export const dynamic = 'force-dynamic';

/** `?next=/path` (a same-site relative path only, see safeNextPath) is where the user goes after logging in. */
export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const next = safeNextPath((await searchParams).next);
  const caller = await currentCaller();
  if (caller) redirect(next ?? (isTeacher(caller) ? '/' : '/student'));
  return <AuthForm mode="login" next={next ?? undefined} />;
}
