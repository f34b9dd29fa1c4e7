/**
 * The console's data table: focusable and named, because on a phone it scrolls sideways and keyboard users must
 * reach it; column headers scoped to their columns; an optional caption for screen readers. Rows are the children.
 */
import type { ReactNode } from 'react';

interface ScrollTableProps {
  /** The scrolling region's accessible name. */
  label: string;
  /** Column headers, in order (a node, for a header that is visually hidden). */
  columns: readonly ReactNode[];
  children: ReactNode;
  testId?: string;
  /** A visually hidden caption, and its id (for a section's aria-labelledby). */
  caption?: { id: string; text: string };
  /** For a table that refreshes itself (the roster): changes are announced politely. */
  live?: boolean;
}

export function ScrollTable({ label, columns, children, testId, caption, live }: ScrollTableProps) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={label}>
      <table data-testid={testId} aria-live={live ? 'polite' : undefined}>
        {caption && (
          <caption id={caption.id} className="visually-hidden">
            {caption.text}
          </caption>
        )}
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th scope="col" key={i}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
