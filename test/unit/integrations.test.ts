import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { integrationStatus, startupWarnings } from '../../src/integrations.js';

describe('start-up integration table', () => {
  it('reports GitHub feedback as off, and its variables as having no effect, because nothing files issues yet', () => {
    const config = loadConfig({ GITHUB_FEEDBACK_TOKEN: 'token', GITHUB_FEEDBACK_REPO: 'owner/repo' });
    const row = integrationStatus(config).find((r) => r.name === 'GitHub feedback');
    expect(row).toEqual({ name: 'GitHub feedback', state: 'off', detail: expect.stringMatching(/no effect/) });
    expect(startupWarnings(config).join('\n')).not.toMatch(/GitHub feedback/);
  });
});
