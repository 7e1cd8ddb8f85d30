/** Title and description from fetched pages, as plain text (the template escapes it; no HTML is kept). */
import { describe, expect, it } from 'vitest';
import { extractSummary } from '../../../src/library/extract.js';

const html = (s: string) => extractSummary(Buffer.from(s), 'text/html; charset=utf-8');

describe('extractSummary', () => {
  it('prefers Open Graph, then <title>, and decodes entities', () => {
    expect(html('<meta property="og:title" content="OG &amp; title"><title>Plain</title>')).toEqual({ title: 'OG & title', description: null });
    expect(html('<title>\n  Attention Is &#65;ll &#x59;ou Need </title><meta content=\'Short &quot;summary&quot;\' name="description">')).toEqual({
      title: 'Attention Is All You Need',
      description: 'Short "summary"',
    });
  });
  it('reads a meta tag whose quoted value contains ">"', () => {
    expect(html('<meta name="description" content="a > b, and <b>bold</b>">').description).toBe('a > b, and <b>bold</b>');
  });
  it('handles plain text, PDF and pages without either', () => {
    expect(extractSummary(Buffer.from('\n\nFirst line\nsecond'), 'text/plain')).toEqual({ title: 'First line', description: null });
    expect(extractSummary(Buffer.from('%PDF-1.7'), 'application/pdf')).toEqual({ title: null, description: 'PDF document' });
    expect(html('<p>no head</p>')).toEqual({ title: null, description: null });
  });
  it('caps long titles', () => {
    expect(html(`<title>${'t'.repeat(500)}</title>`).title).toHaveLength(200);
  });
});
