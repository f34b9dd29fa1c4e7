/**
 * Root layout: negotiates the language on the server (cookie, then Accept-Language), hands its catalog to the client
 * once, and mounts the tRPC/react-query providers. Security headers come from next.config.js.
 */
import { CATALOGS, translate } from '@/server/i18n/translate';
import { Providers } from './_components/providers';
import { requestLocale } from './_i18n/server';
import './globals.css';

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const locale = await requestLocale();
  return (
    <html lang={locale}>
      <head>
        {/* A plain <title> is in the first HTML byte stream (streamed metadata could arrive after assistive tech looks). */}
        <title>{translate(CATALOGS[locale], 'app.title')}</title>
      </head>
      <body>
        <Providers locale={locale} messages={CATALOGS[locale]}>
          {children}
        </Providers>
      </body>
    </html>
  );
}
