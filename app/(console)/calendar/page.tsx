import { CalendarView } from '../../_components/calendar-view';

export default function CalendarPage() {
  return <CalendarView />;
}
