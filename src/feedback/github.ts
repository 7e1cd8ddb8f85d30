/**
 * Files a GitHub issue through the REST API (POST /repos/{owner}/{repo}/issues). Plain fetch rather than an SDK: one
 * call with four headers does not earn a dependency. Every failure becomes a GitHubError whose message is safe to
 * show the operator (it never contains the token).
 * https://docs.github.com/en/rest/issues/issues#create-an-issue
 */

export interface NewIssue {
  title: string;
  body: string;
  labels: string[];
}

export interface IssueFiler {
  /** The `owner/repo` issues go to, for display. */
  repo: string;
  createIssue(issue: NewIssue): Promise<{ url: string; number: number }>;
}

export class GitHubError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'GitHubError';
  }
}

/** Only these statuses get a specific explanation; anything else is reported with GitHub's own message. */
const HINTS: Record<number, string> = {
  401: 'GitHub refused the token (401). Check GITHUB_FEEDBACK_TOKEN.',
  403: 'The token may not create issues in this repository (403). It needs the Issues: write permission.',
  404: 'GitHub does not know this repository, or the token cannot see it (404). Check GITHUB_FEEDBACK_REPO.',
  410: 'Issues are turned off in this repository (410).',
};

export function createIssueFiler(opts: { token: string; repo: string; apiUrl: string; timeoutMs?: number }): IssueFiler {
  const endpoint = `${opts.apiUrl.replace(/\/+$/, '')}/repos/${opts.repo}/issues`;
  return {
    repo: opts.repo,
    async createIssue(issue) {
      let res: Response;
      try {
        res = await fetch(endpoint, {
          method: 'POST',
          headers: {
            accept: 'application/vnd.github+json',
            authorization: `Bearer ${opts.token}`,
            'content-type': 'application/json',
            'user-agent': 'Bench-feedback',
            'x-github-api-version': '2022-11-28',
          },
          body: JSON.stringify(issue),
          signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
        });
      } catch (err) {
        const timedOut = err instanceof Error && err.name === 'TimeoutError';
        throw new GitHubError(timedOut ? 'GitHub did not answer in time.' : 'Could not reach GitHub.', null);
      }
      const text = await res.text();
      let data: { html_url?: unknown; number?: unknown; message?: unknown } = {};
      try {
        data = JSON.parse(text);
      } catch {
        // A proxy's HTML error page: the status says enough.
      }
      if (res.status === 201 && typeof data.html_url === 'string' && typeof data.number === 'number') {
        return { url: data.html_url, number: data.number };
      }
      const said = typeof data.message === 'string' ? ` GitHub said: ${data.message.slice(0, 200)}` : '';
      throw new GitHubError(`${HINTS[res.status] ?? `GitHub answered ${res.status}; try again later.`}${said}`, res.status);
    },
  };
}
