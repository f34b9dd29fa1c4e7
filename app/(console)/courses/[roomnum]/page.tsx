import { CourseView } from '../../../_components/course-view';
import { roomnumParam } from '../../../_lib/params';

export default async function CoursePage({ params }: { params: Promise<{ roomnum: string }> }) {
  const { roomnum } = await params;
  return <CourseView roomnum={roomnumParam(roomnum)} />;
}
