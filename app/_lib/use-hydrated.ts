'use client';
/**
 * Whether React has hydrated this page: false in the server render and during hydration, true after. Forms keep their
 * submit button off until then (a submit before hydration would be a native GET with the password in the URL).
 * useSyncExternalStore gives the server and the first client render the same answer without a setState in an effect.
 */
import { useSyncExternalStore } from 'react';

const noSubscription = () => () => undefined;

export function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}
