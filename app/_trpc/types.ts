/**
 * What the console's procedures return, as the client sees it: client components type their props and helpers from
 * these (the API is their contract), not from the services' own types. Type-only: nothing of the server is bundled.
 */
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/trpc/root';

export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** A course as the dashboard lists it (live, scheduled, drafts, recent playback). */
export type DashboardCourse = RouterOutputs['dashboard']['home']['live'][number];
/** One day of the dashboard's activity chart. */
export type DayStat = RouterOutputs['dashboard']['home']['days'][number];
/** An ended course's playback status, as the course views carry it ('ready', 'pending', 'failed', 'none'). */
export type PlaybackStatus = NonNullable<RouterOutputs['course']['byId']['playback']>;
/** How a course ended (by its teacher, or by the dead-room timeout). */
export type CourseEnding = NonNullable<RouterOutputs['course']['byId']['ending']>;
/** One cell's status in the attendance matrix. */
export type AttendanceStatus = RouterOutputs['classList']['matrix']['rows'][number]['cells'][number]['status'];
/** What adding one student id to the class list did. */
export type AddResult = RouterOutputs['classList']['add'][number]['result'];
/** The teacher's review of an ended course: index, attendance, and how the replay is shared. */
export type PlaybackReview = RouterOutputs['playback']['review'];
/** Who a published replay reaches besides its teacher: 'attendees', or the whole class list ('class'). */
export type PlaybackAudience = PlaybackReview['audience'];
