import { LibraryView } from '../../_components/library-view';

export default function LibraryPage() {
  return <LibraryView />;
}
