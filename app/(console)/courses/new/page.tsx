import { NewCourseView } from '../../../_components/new-course-view';

export default function NewCoursePage() {
  return <NewCourseView />;
}
