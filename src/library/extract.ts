/**
 * Title and description from a fetched page, as plain text: <title>, Open Graph and <meta name="description">. No
 * HTML is kept, so nothing from the page can run here; templates escape what is shown.
 */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

function decode(s: string): string {
  return s
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (all, e: string) => {
      if (/^#x/i.test(e)) return String.fromCodePoint(parseInt(e.slice(2), 16));
      if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
      return ENTITIES[e.toLowerCase()] ?? all;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

function meta(head: string, key: string): string | null {
  // Quoted attribute values may contain '>', so a tag runs to the first '>' outside quotes.
  for (const tag of head.match(/<meta\b(?:[^>"']|"[^"]*"|'[^']*')*>/gi) ?? []) {
    const name = /\b(?:name|property)\s*=\s*["']([^"']+)["']/i.exec(tag)?.[1]?.toLowerCase();
    const content = /\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(tag);
    if (name === key && content) return decode(content[1] ?? content[2] ?? '') || null;
  }
  return null;
}

const cap = (s: string | null, n: number) => (s && s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function extractSummary(body: Buffer, contentType: string): { title: string | null; description: string | null } {
  const text = body.subarray(0, 256 * 1024).toString('utf8');
  if (/^application\/pdf/i.test(contentType)) return { title: null, description: 'PDF document' };
  if (/^text\/plain/i.test(contentType)) {
    const firstLine = text.split('\n').find((l) => l.trim())?.trim() ?? null;
    return { title: cap(firstLine, 200), description: null };
  }
  const titleTag = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1];
  const title = meta(text, 'og:title') ?? (titleTag ? decode(titleTag) : null);
  const description = meta(text, 'og:description') ?? meta(text, 'description');
  return { title: cap(title || null, 200), description: cap(description, 500) };
}
