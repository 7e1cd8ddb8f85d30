/**
 * arXiv and DOI identifiers, recognised in a page's address and in its metadata. Pure functions.
 *
 * arXiv ids are the new scheme (2101.00001, optionally v2) or the old one (hep-th/9901001); DOIs are "10.<registrant>/
 * <suffix>" as Crossref describes them, with trailing punctuation that is usually prose, not part of the id, cut off.
 */

const ARXIV_NEW = /(\d{4}\.\d{4,5}(?:v\d+)?)/;
const ARXIV_OLD = /([a-z-]+(?:\.[A-Z]{2})?\/\d{7}(?:v\d+)?)/;
const DOI = /(10\.\d{4,9}\/[^\s"'<>]+)/;

/** Percent-decoded when it decodes (an address may carry %2F for the slash); as it is otherwise. */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The arXiv id in an arxiv.org address (abs/, pdf/, html/), or in an "arXiv:" string from metadata. */
export function arxivIdFrom(text: string | null | undefined): string | null {
  if (!text) return null;
  const url = /arxiv\.org\/(?:abs|pdf|html)\/(.+?)(?:\.pdf)?(?:[?#]|$)/i.exec(text);
  const scope = url ? url[1]! : text.replace(/^arxiv:\s*/i, '');
  const hit = ARXIV_NEW.exec(scope) ?? ARXIV_OLD.exec(scope);
  return hit && (url || /^(?:arxiv:\s*)?[\w./-]+$/i.test(text.trim())) ? hit[1]! : null;
}

/** A DOI in a doi.org (or dx.doi.org) address, a "doi:" string, or any text that carries one. */
export function doiFrom(text: string | null | undefined): string | null {
  if (!text) return null;
  const hit = DOI.exec(decoded(text).replace(/^doi:\s*/i, ''));
  // Trailing punctuation is usually the sentence around the DOI, not part of it.
  return hit ? hit[1]!.replace(/[.,;:)\]]+$/, '') : null;
}
