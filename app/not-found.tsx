/** The console's 404 page, in the viewer's language. */
import Link from 'next/link';
import { CATALOGS, translate } from '@/server/i18n/translate';
import { requestLocale } from './_i18n/server';

export default async function NotFound() {
  const m = CATALOGS[await requestLocale()];
  return (
    <main className="auth-page" id="main">
      <h1>{translate(m, 'notFound.title')}</h1>
      <p className="muted">{translate(m, 'notFound.body')}</p>
      <Link href="/">{translate(m, 'notFound.home')}</Link>
    </main>
  );
}
