import { notFound } from 'next/navigation';
import { StudentHistoryView } from '../../../_components/student-history-view';

export default async function StudentHistoryPage({ params }: { params: Promise<{ uid: string }> }) {
  const { uid } = await params;
  const id = decodeURIComponent(uid);
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) notFound();
  return <StudentHistoryView uid={id} />;
}
