import { CoursesView } from '../../_components/courses-view';

export default function CoursesPage() {
  return <CoursesView />;
}
