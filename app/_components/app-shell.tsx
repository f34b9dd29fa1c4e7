'use client';
/**
 * The console frame: skip link, top bar (navigation, user, language, logout) and the page's main landmark. On a
 * phone the bar is one row (brand + a "Menu" disclosure button with aria-expanded); the links and controls open
 * below it. Escape closes the menu and returns focus to the button; moving to another page closes it.
 */
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useId, useRef, useState } from 'react';
import { useI18n } from '../_i18n/provider';
import { TRPCReactProvider, useTRPC } from '../_trpc/client';
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

/**
 * Every logged-in page renders inside AppShell, so the tRPC client and react-query are provided here rather than in
 * the root layout: the logged-out pages do without them (first-load JS of /login).
 */
export function AppShell(props: { uid: string; teacher: boolean; children: React.ReactNode }) {
  return (
    <TRPCReactProvider>
      <Shell {...props} />
    </TRPCReactProvider>
  );
}

function Shell({ uid, teacher, children }: { uid: string; teacher: boolean; children: React.ReactNode }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const router = useRouter();
  const path = usePathname();
  const menuId = useId();
  const menuButton = useRef<HTMLButtonElement>(null);
  // Open for the page it was opened on only: following a link closes it without an effect.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === path;
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
        <button
          ref={menuButton}
          type="button"
          className="menu-button"
          aria-expanded={open}
          aria-controls={menuId}
          onClick={() => setOpenOn(open ? null : path)}
          data-testid="menu-button"
        >
          <span aria-hidden="true">☰ </span>
          {t('nav.menu')}
        </button>
        <div
          id={menuId}
          className={`topbar-menu${open ? ' open' : ''}`}
          data-testid="topbar-menu"
          onKeyDown={(e) => {
            if (e.key === 'Escape' && open) {
              setOpenOn(null);
              menuButton.current?.focus();
            }
          }}
        >
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
                  <NavLink href="/calendar">{t('nav.calendar')}</NavLink>
                </li>
                <li>
                  <NavLink href="/library">{t('nav.library')}</NavLink>
                </li>
                <li>
                  <NavLink href="/students">{t('nav.students')}</NavLink>
                </li>
                <li>
                  <NavLink href="/account/password">{t('nav.password')}</NavLink>
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
        </div>
      </header>
      <main className="page" id="main">
        {children}
      </main>
    </>
  );
}
