'use client';
/** The console frame: skip link, top bar (navigation, user, language, logout) and the page's main landmark. */
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useI18n } from '../_i18n/provider';
import { useTRPC } from '../_trpc/client';
import { LanguageSwitcher } from './language-switcher';

function NavLink({ href, children }: { href: string; children: React.ReactNode }) {
  const path = usePathname();
  const current = href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
  return (
    <Link href={href} aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  );
}

export function AppShell({ uid, teacher, children }: { uid: string; teacher: boolean; children: React.ReactNode }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const router = useRouter();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSettled: () => {
        router.replace('/login');
        router.refresh();
      },
    }),
  );
  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="topbar">
        <span className="brand">{t('app.title')}</span>
        {teacher && (
          <nav aria-label={t('nav.label')}>
            <ul>
              <li>
                <NavLink href="/">{t('nav.home')}</NavLink>
              </li>
              <li>
                <NavLink href="/courses">{t('nav.courses')}</NavLink>
              </li>
              <li>
                <NavLink href="/library">{t('nav.library')}</NavLink>
              </li>
              <li>
                <NavLink href="/students">{t('nav.students')}</NavLink>
              </li>
            </ul>
          </nav>
        )}
        <span className="spacer" />
        <span className="who" data-testid="current-user">
          {t('nav.signedInAs', { uid })}
        </span>
        <LanguageSwitcher />
        <button type="button" onClick={() => logout.mutate()} disabled={logout.isPending} data-testid="logout">
          {t('nav.logout')}
        </button>
      </header>
      <main className="page" id="main">
        {children}
      </main>
    </>
  );
}
