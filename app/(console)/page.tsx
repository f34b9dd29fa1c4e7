import { DashboardView } from '../_components/dashboard-view';

export default function HomePage() {
  return <DashboardView />;
}
