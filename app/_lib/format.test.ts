/** Display helpers: sizes never wrap between number and unit; type labels from the server's extension list. */
import { describe, expect, it } from 'vitest';
import { extensionsLabel, formatBytes, NBSP } from './format';

describe('formatBytes', () => {
  it('joins number and unit with a non-breaking space', () => {
    expect(formatBytes(200 * 1024 * 1024, 'en')).toBe(`200${NBSP}MB`);
    expect(formatBytes(1536, 'en')).toBe(`1.5${NBSP}KB`);
    expect(formatBytes(512, 'en')).toBe(`512${NBSP}B`);
    expect(formatBytes(500 * 1024 ** 3, 'en')).toBe(`500${NBSP}GB`);
    expect(formatBytes(0, 'en')).toBe('—');
    expect(formatBytes(2 * 1024 * 1024, 'en')).not.toContain(' ');
  });
});

describe('extensionsLabel', () => {
  it('folds X-variants and joins the rest', () => {
    expect(extensionsLabel(['ppt', 'pptx'])).toBe('PPT(X)');
    expect(extensionsLabel(['pdf'])).toBe('PDF');
    expect(extensionsLabel(['png', 'jpg', 'jpeg'])).toBe('PNG/JPG/JPEG');
  });
});
