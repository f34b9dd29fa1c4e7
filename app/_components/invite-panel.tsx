'use client';
/**
 * "Invite students" on a course page: a disclosure with the course's absolute join link (built from the page's
 * origin), a QR code of it and a copy button. The QR library is imported only when the panel opens, so it is not part
 * of the course page's first-load JS.
 */
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../_i18n/provider';

/** The student page a link opens: /class/<roomnum> on this origin. */
function inviteUrl(origin: string, roomnum: number): string {
  return new URL(`/class/${roomnum}`, origin).toString();
}

function InviteBody({ url }: { url: string }) {
  const { t } = useI18n();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState(false);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    let cancelled = false;
    import('qrcode')
      .then((QR) => {
        if (!cancelled && canvas.current)
          return QR.toCanvas(canvas.current, url, { width: 200, margin: 2, errorCorrectionLevel: 'M' });
      })
      .catch(() => !cancelled && setFailed(true));
    return () => {
      cancelled = true;
    };
  }, [url]);
  return (
    <div className="invite-body">
      <canvas
        ref={canvas}
        role="img"
        aria-label={t('invite.qrLabel', { url })}
        width={200}
        height={200}
        data-testid="invite-qr"
        hidden={failed}
      />
      <div>
        <p className="muted">{t('invite.intro')}</p>
        {failed && <p className="alert error">{t('invite.qrFailed')}</p>}
        <p>
          <strong>{t('invite.link')}</strong>
          <br />
          <a href={url} className="invite-link" data-testid="invite-link">
            {url}
          </a>
        </p>
        <button
          type="button"
          onClick={() => {
            void navigator.clipboard?.writeText(url).then(
              () => setCopied(true),
              () => setCopied(false),
            );
          }}
          data-testid="invite-copy"
        >
          {t('invite.copy')}
        </button>{' '}
        <span role="status" className="muted small">
          {copied ? t('invite.copied') : ''}
        </span>
      </div>
    </div>
  );
}

export function InvitePanel({ roomnum }: { roomnum: number }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [url, setUrl] = useState('');
  return (
    <section className="card" aria-labelledby="invite-h">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2 id="invite-h">{t('invite.title')}</h2>
        <button
          type="button"
          aria-expanded={open}
          aria-controls="invite-panel"
          onClick={() => {
            setUrl(inviteUrl(window.location.origin, roomnum));
            setOpen(!open);
          }}
          data-testid="invite-open"
        >
          {open ? t('invite.close') : t('invite.open')}
        </button>
      </div>
      <div id="invite-panel" hidden={!open}>
        {open && url && <InviteBody url={url} />}
      </div>
    </section>
  );
}
