import { redirect } from 'next/navigation';
import { AuthForm } from '../_components/auth-form';
import { currentCaller } from '../_trpc/server';

export const dynamic = 'force-dynamic';

export default async function LoginPage() {
  const caller = await currentCaller();
  if (caller) redirect(caller.role === 1 ? '/' : '/student');
  return <AuthForm mode="login" />;
}
