/**
 * What Bench keeps from a fetched page, as plain text: title, authors, date, site, description, arXiv/DOI ids and the
 * main text. Metadata comes from citation_* (the tags Google Scholar reads), Open Graph and plain <meta>; the main
 * text from Mozilla's Readability (the Firefox reader view) run over linkedom, a light DOM with no script engine.
 *
 * No HTML is kept: the main text is the text of Readability's block elements, so nothing from the page can run here
 * or on our pages, whatever CSP says, and the templates escape what is shown.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { arxivIdFrom, doiFrom } from './scholarly-ids.js';

export interface Extracted {
  title: string | null;
  description: string | null;
  siteName: string | null;
  authors: string[];
  published: string | null;
  arxivId: string | null;
  doi: string | null;
  /** Paragraphs separated by blank lines. */
  text: string | null;
}

type LightDocument = ReturnType<typeof parseHTML>['document'];

const MAX_TEXT = 40_000;
const clean = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim() || null;
const cap = (s: string | null, n: number) => (s && s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Every <meta name|property> value, by lower-cased key, in document order (citation_author repeats). */
function metaTags(document: LightDocument): Map<string, string[]> {
  const tags = new Map<string, string[]>();
  for (const el of document.querySelectorAll('meta')) {
    const key = (el.getAttribute('name') ?? el.getAttribute('property') ?? '').trim().toLowerCase();
    const content = clean(el.getAttribute('content'));
    if (key && content) tags.set(key, [...(tags.get(key) ?? []), content]);
  }
  return tags;
}

/** Readability's article as paragraphs of text: headings, paragraphs, list items, quotes and code blocks. */
function mainText(html: string): string | null {
  const { document } = parseHTML(html);
  const article = new Readability(document, { charThreshold: 200 }).parse();
  if (!article?.content) return null;
  const { document: doc } = parseHTML(`<!doctype html><html><body>${article.content}</body></html>`);
  const blocks = [...doc.querySelectorAll('h1, h2, h3, h4, h5, h6, p, li, pre, blockquote')]
    // A block inside another listed block (a <p> in an <li>) is already in its parent's text.
    .filter((el) => !el.parentElement?.closest('p, li, pre, blockquote'))
    .map((el) => (el.tagName === 'PRE' ? (el.textContent ?? '').trim() : clean(el.textContent)))
    .filter((t): t is string => Boolean(t));
  const text = blocks.length ? blocks.join('\n\n') : clean(article.textContent);
  return cap(text, MAX_TEXT);
}

function fromHtml(html: string, url: string): Extracted {
  const { document } = parseHTML(html);
  const meta = metaTags(document);
  const one = (...keys: string[]) => keys.map((k) => meta.get(k)?.[0]).find(Boolean) ?? null;
  const authors = meta.get('citation_author') ?? meta.get('dc.creator') ?? meta.get('author') ?? meta.get('article:author') ?? [];
  const identifiers = [...(meta.get('citation_doi') ?? []), ...(meta.get('dc.identifier') ?? []), url];
  return {
    title: cap(one('citation_title', 'og:title', 'twitter:title') ?? clean(document.querySelector('title')?.textContent), 200),
    description: cap(one('og:description', 'description', 'twitter:description', 'dc.description'), 500),
    siteName: cap(one('og:site_name', 'citation_journal_title', 'citation_conference_title'), 120),
    authors: [...new Set(authors)].slice(0, 30).map((a) => cap(a, 120)!),
    published: cap(one('citation_publication_date', 'citation_date', 'article:published_time', 'dc.date', 'citation_online_date'), 40),
    arxivId: arxivIdFrom(url) ?? arxivIdFrom(one('citation_arxiv_id')) ?? arxivIdFrom(one('citation_pdf_url', 'citation_abstract_html_url')),
    doi: identifiers.map(doiFrom).find(Boolean) ?? null,
    text: mainText(html),
  };
}

const EMPTY: Extracted = { title: null, description: null, siteName: null, authors: [], published: null, arxivId: null, doi: null, text: null };

export function extractPage(body: Buffer, contentType: string, url: string): Extracted {
  const ids = { arxivId: arxivIdFrom(url), doi: doiFrom(url) };
  if (/^application\/pdf/i.test(contentType)) return { ...EMPTY, ...ids, description: 'PDF document' };
  const text = body.toString('utf8');
  if (/^text\/plain/i.test(contentType)) {
    const firstLine = text.split('\n').find((l) => l.trim())?.trim() ?? null;
    return { ...EMPTY, ...ids, title: cap(firstLine, 200), text: cap(text.replace(/\r\n/g, '\n').trim() || null, MAX_TEXT) };
  }
  return fromHtml(text, url);
}
