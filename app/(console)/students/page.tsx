import { ClassListView } from '../../_components/class-list-view';

export default function StudentsPage() {
  return <ClassListView />;
}
