'use client';
/** The teacher's courseware library (files not tied to one course; legacy roomnum 0). */
import { useT } from '../_i18n/provider';
import { CoursewarePanel } from './courseware-panel';

export function LibraryView() {
  const t = useT();
  return (
    <>
      <h1>{t('library.title')}</h1>
      <p className="muted">{t('library.intro')}</p>
      <section className="card" aria-label={t('library.title')}>
        <CoursewarePanel roomnum={0} editable />
      </section>
    </>
  );
}
