/** Route params from the URL, validated: a room number is a positive safe integer or the page is a 404. */
import { notFound } from 'next/navigation';

export function roomnumParam(raw: string): number {
  if (!/^[1-9]\d{0,15}$/.test(raw)) notFound();
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) notFound();
  return n;
}
