/**
 * LLM and e-mail failures leave Sentry breadcrumbs, so the next error report shows that a provider or Resend was
 * failing too. Real SDKs throughout (Anthropic, Resend, Sentry) against loopback fakes: the Anthropic fake answers
 * 500, the Resend fake refuses with 422.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../../src/access/notify.js';
import { createLlm } from '../../../src/llm/index.js';
import { createReporter } from '../../../src/observability/reporter.js';
import { anthropic, FAKE_ANTHROPIC_KEY, startFakeAnthropic, type FakeAnthropic } from '../../fakes/anthropic.js';
import { startFakeResend, type FakeResend } from '../../fakes/resend.js';
import { startFakeSentry, type FakeSentry } from '../../fakes/sentry.js';
import { testConfig } from '../../helpers/app.js';
import { useTestDatabase } from '../../helpers/db.js';
import { captureLogs, newUser, testPrompt } from '../llm/helpers.js';

const db = useTestDatabase();
let sentry: FakeSentry;
let model: FakeAnthropic;
let resend: FakeResend;

beforeAll(async () => {
  [sentry, model, resend] = await Promise.all([startFakeSentry(), startFakeAnthropic(), startFakeResend()]);
});
afterAll(async () => {
  await Promise.all([sentry?.close(), model?.close(), resend?.close()]);
});

describe('Sentry breadcrumbs', () => {
  it('a failed provider call and a refused e-mail are on the next error report', async () => {
    const config = testConfig(db, {
      ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY,
      ANTHROPIC_BASE_URL: model.url,
      LLM_MAX_RETRIES: '0',
      RESEND_API_KEY: 're_test_key',
      RESEND_BASE_URL: resend.url,
      OPERATOR_NOTIFY_EMAIL: 'operator@example.com',
      SENTRY_DSN: sentry.dsn,
    });
    const reporter = createReporter(config);
    const llm = createLlm({ config, pool: db.pool, logger: captureLogs().logger, reporter });

    model.always(anthropic.error(500, 'api_error', 'fake outage'));
    const hint = await llm.complete({ userId: await newUser(db.pool), feature: 'hint', prompt: testPrompt(), maxOutputTokens: 10, offline: () => ({ text: 'canned hint' }) });
    expect(hint.source).toBe('offline');
    expect(model.requests.length).toBeGreaterThan(0);

    resend.mode = 422;
    const quiet = { info: () => {}, warn: () => {} };
    expect(await createMailer(config, reporter).send({ to: 'operator@example.com', subject: 'Access request', text: 'x' }, quiet)).toBe('failed');

    reporter.capture(new Error('a later failure'));
    const event = await sentry.waitForEvent((e) => JSON.stringify(e.exception ?? '').includes('a later failure'));
    const crumbs = (event.breadcrumbs ?? []) as { category?: string; message?: string }[];
    expect(crumbs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ category: 'llm', message: expect.stringMatching(/^anthropic call failed: \w+/) }),
        expect.objectContaining({ category: 'email', message: 'Resend refused the e-mail' }),
      ]),
    );
  });
});
