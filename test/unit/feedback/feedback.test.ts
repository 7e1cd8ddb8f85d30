/**
 * The pure parts of feedback: which page paths are kept, the issue GitHub gets, and the start-up line, which must
 * say what the code does with each combination of GITHUB_FEEDBACK_TOKEN and GITHUB_FEEDBACK_REPO.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { issueFor, pagePath } from '../../../src/feedback/service.js';
import type { Feedback } from '../../../src/feedback/queries.js';
import { integrationStatus } from '../../../src/integrations.js';

describe('pagePath', () => {
  it.each([
    ['/problems/two-sum', '/problems/two-sum'],
    ['/progress?tab=week', '/progress?tab=week'],
    ['//evil.example/x', '/'],
    ['https://evil.example/', '/'],
    ['javascript:alert(1)', '/'],
    ['/a b', '/'],
    ['/\\evil.example', '/'],
    [undefined, '/'],
    [`/${'x'.repeat(300)}`, '/'],
  ])('%s -> %s', (raw, expected) => expect(pagePath(raw)).toBe(expected));
});

describe('issueFor', () => {
  const base: Feedback = {
    id: '7', userId: null, authorName: null, kind: 'idea', message: 'x', page: '/runs', createdAt: new Date(),
    githubIssueUrl: null, promotedByName: null, promotedAt: null, lastError: null, lastErrorAt: null,
  };
  it('titles the issue with the kind and the first line, cut at 80 characters', () => {
    const long = issueFor({ ...base, message: `${'word '.repeat(30)}\nsecond line` }, 'https://bench.example.com');
    expect(long.title.startsWith('[idea] word word')).toBe(true);
    expect(long.title.length).toBe('[idea] '.length + 80);
    expect(long.title.endsWith('…')).toBe(true);
    expect(long.labels).toEqual(['feedback', 'idea']);
    expect(long.body).toContain('second line');
    expect(long.body).toContain('https://bench.example.com/admin/feedback#feedback-7');
  });
});

describe('the GitHub feedback start-up line', () => {
  const row = (env: Record<string, string>) =>
    integrationStatus(loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'postgres://u@127.0.0.1/db', ...env })).find((r) => r.name === 'GitHub feedback');

  it('is on only with both variables, and names the repo and where the operator files from', () => {
    expect(row({ GITHUB_FEEDBACK_TOKEN: 't', GITHUB_FEEDBACK_REPO: 'o/r' })).toMatchObject({ state: 'on', detail: expect.stringContaining('o/r from /admin/feedback') });
  });
  it('is half with one of them, and says feedback stays in the database', () => {
    expect(row({ GITHUB_FEEDBACK_TOKEN: 't' })).toMatchObject({ state: 'half', detail: 'GITHUB_FEEDBACK_REPO unset: feedback is saved in the database only' });
    expect(row({ GITHUB_FEEDBACK_REPO: 'o/r' })).toMatchObject({ state: 'half', detail: expect.stringMatching(/^GITHUB_FEEDBACK_TOKEN unset/) });
  });
  it('is off with neither', () => {
    expect(row({})).toMatchObject({ state: 'off', detail: expect.stringContaining('database only') });
  });
});
