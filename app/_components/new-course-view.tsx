'use client';
import { useT } from '../_i18n/provider';
import { CourseForm } from './course-form';

export function NewCourseView() {
  const t = useT();
  return (
    <>
      <h1>{t('course.newTitle')}</h1>
      <section className="card">
        <CourseForm />
      </section>
    </>
  );
}
