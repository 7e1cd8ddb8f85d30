/**
 * What is read from fetched pages: metadata from citation_*, Open Graph and <meta>; the main text by Readability over
 * linkedom, as plain text (no HTML is kept); arXiv and DOI ids from the address and the metadata.
 */
import { describe, expect, it } from 'vitest';
import { extractPage } from '../../../src/library/extract.js';
import { arxivIdFrom, doiFrom } from '../../../src/library/scholarly-ids.js';

const URL = 'https://blog.example.com/post';
const html = (s: string, url = URL) => extractPage(Buffer.from(s), 'text/html; charset=utf-8', url);
const para = (n: number, word: string) => `<p>${`${word} `.repeat(n).trim()}.</p>`;

describe('metadata', () => {
  it('prefers citation_*, then Open Graph, then <title>, and decodes entities', () => {
    expect(html('<meta property="og:title" content="OG &amp; title"><title>Plain</title>').title).toBe('OG & title');
    expect(html('<meta name="citation_title" content="Cited"><meta property="og:title" content="OG">').title).toBe('Cited');
    const page = html('<title>\n  Attention Is &#65;ll &#x59;ou Need </title><meta content=\'Short &quot;summary&quot;\' name="description">');
    expect(page).toMatchObject({ title: 'Attention Is All You Need', description: 'Short "summary"' });
  });

  it('reads every citation_author, the date and the venue', () => {
    const page = html(`<head><meta name="citation_author" content="Vaswani, Ashish"><meta name="citation_author" content="Shazeer, Noam">
      <meta name="citation_publication_date" content="2017/06/12"><meta name="citation_conference_title" content="NeurIPS"></head>`);
    expect(page).toMatchObject({ authors: ['Vaswani, Ashish', 'Shazeer, Noam'], published: '2017/06/12', siteName: 'NeurIPS' });
  });

  it('falls back to <meta name="author"> and article:published_time', () => {
    const page = html('<meta name="author" content="A. Writer"><meta property="article:published_time" content="2024-03-01T10:00:00Z">');
    expect(page).toMatchObject({ authors: ['A. Writer'], published: '2024-03-01T10:00:00Z' });
  });

  it('reads a meta tag whose quoted value contains ">" and keeps markup in it as text', () => {
    expect(html('<meta name="description" content="a > b, and <b>bold</b>">').description).toBe('a > b, and <b>bold</b>');
  });

  it('caps long titles', () => {
    expect(html(`<title>${'t'.repeat(500)}</title>`).title).toHaveLength(200);
  });
});

describe('main text', () => {
  it('is the article as paragraphs of plain text, without navigation, scripts or markup', () => {
    const page = html(`<html><head><title>T</title></head><body><nav><a href="/">Home</a> <a href="/about">About</a></nav>
      <article><h1>Scaling laws</h1>${para(60, 'Loss')}<p>Second <b>bold</b> paragraph with <a href="javascript:alert(1)">a link</a>
      <img src=x onerror="alert(1)"> ${'and more words '.repeat(30)}</p><script>alert("from the page")</script>${para(40, 'Compute')}</article>
      <footer>© someone</footer></body></html>`);
    const paragraphs = page.text!.split('\n\n');
    expect(paragraphs[0]).toBe('Scaling laws');
    expect(paragraphs[1]).toMatch(/^Loss Loss/);
    expect(paragraphs[2]).toMatch(/^Second bold paragraph with a link and more words/);
    expect(page.text).not.toMatch(/<|alert|Home About|javascript/);
  });

  it('plain text is kept as it is; PDF is noted as one', () => {
    expect(extractPage(Buffer.from('\n\nFirst line\nsecond'), 'text/plain', URL)).toMatchObject({ title: 'First line', text: 'First line\nsecond' });
    expect(extractPage(Buffer.from('%PDF-1.7'), 'application/pdf', 'https://arxiv.org/pdf/1706.03762v7')).toMatchObject({
      title: null,
      description: 'PDF document',
      arxivId: '1706.03762v7',
    });
  });

  it('a page without an article has no main text', () => {
    expect(html('<p>no head</p>')).toMatchObject({ title: null, description: null, authors: [], text: null });
  });
});

describe('arXiv and DOI ids', () => {
  it.each([
    ['https://arxiv.org/abs/1706.03762', '1706.03762'],
    ['https://arxiv.org/pdf/2101.00001v2.pdf', '2101.00001v2'],
    ['https://arxiv.org/abs/hep-th/9901001', 'hep-th/9901001'],
    ['arXiv:2305.12345', '2305.12345'],
    ['https://example.com/2101.00001', null],
    ['the year 2019.1234 in a sentence', null],
  ])('arXiv %s -> %s', (text, id) => expect(arxivIdFrom(text)).toBe(id));

  it.each([
    ['https://doi.org/10.1145/3292500.3330701', '10.1145/3292500.3330701'],
    ['doi:10.48550/arXiv.1706.03762', '10.48550/arXiv.1706.03762'],
    ['https://dx.doi.org/10.1000%2F182', '10.1000/182'],
    ['see 10.1038/nature14539.', '10.1038/nature14539'],
    ['https://example.com/10.5/x', null],
  ])('DOI %s -> %s', (text, id) => expect(doiFrom(text)).toBe(id));

  it('come from the metadata when the address has none', () => {
    const page = html('<meta name="citation_doi" content="10.1145/1234.5678"><meta name="citation_arxiv_id" content="1706.03762">');
    expect(page).toMatchObject({ doi: '10.1145/1234.5678', arxivId: '1706.03762' });
    expect(html('<title>x</title>', 'https://arxiv.org/abs/1706.03762')).toMatchObject({ arxivId: '1706.03762', doi: null });
  });
});
