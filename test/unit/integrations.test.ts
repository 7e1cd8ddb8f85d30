import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { integrationStatus } from '../../src/integrations.js';

describe('start-up integration table', () => {
  it('reports GitHub feedback as on only when both variables are set, and says where feedback goes otherwise', () => {
    const on = loadConfig({ GITHUB_FEEDBACK_TOKEN: 'token', GITHUB_FEEDBACK_REPO: 'owner/repo' });
    const row = (config: typeof on) => integrationStatus(config).find((r) => r.name === 'GitHub feedback');
    expect(row(on)).toEqual({ name: 'GitHub feedback', state: 'on', detail: expect.stringMatching(/owner\/repo/) });
    expect(row(loadConfig({ GITHUB_FEEDBACK_TOKEN: 'token' }))).toMatchObject({ state: 'half', detail: expect.stringMatching(/GITHUB_FEEDBACK_REPO unset/) });
    expect(row(loadConfig({}))).toMatchObject({ state: 'off', detail: expect.stringMatching(/database only/) });
  });
});
