/**
 * Which external services are on, off (and what Bench does instead), or half-configured.
 * Logged once at start-up so an operator sees at a glance why, say, e-mails are not arriving.
 */
import type { Config } from './config.js';

export type IntegrationState = 'on' | 'off' | 'half';

export interface IntegrationStatus {
  name: string;
  state: IntegrationState;
  detail: string;
}

export function integrationStatus(config: Config): IntegrationStatus[] {
  const s = config.supabase;
  const supabaseParts = [s.url, s.anonKey].filter(Boolean).length;
  const r = config.resend;
  const gh = config.githubFeedback;
  const access = config.access;
  return [
    {
      name: 'Database',
      state: 'on',
      detail: config.databaseUrl ? 'DATABASE_URL' : `embedded Postgres in ${config.dataDir}/postgres`,
    },
    config.anthropic.apiKey
      ? { name: 'Anthropic', state: 'on', detail: `daily cap ${config.anthropic.dailyTokenCap} tokens per user` }
      : { name: 'Anthropic', state: 'off', detail: 'ANTHROPIC_API_KEY unset: offline hints, reviews and parsing' },
    supabaseParts === 2
      ? {
          name: 'Supabase Auth',
          state: 'on',
          detail: `GitHub and e-mail-link sign-in through Supabase; approval ${s.serviceRoleKey ? 'invites through the admin API' : 'e-mails through Resend (no SUPABASE_SERVICE_ROLE_KEY)'}`,
        }
      : supabaseParts === 0
        ? { name: 'Supabase Auth', state: 'off', detail: 'local sign-in (loopback only)' }
        : {
            name: 'Supabase Auth',
            state: 'half',
            detail: s.url ? 'SUPABASE_URL is set but SUPABASE_ANON_KEY is not' : 'SUPABASE_ANON_KEY is set but SUPABASE_URL is not',
          },
    r.apiKey && r.notifyEmail
      ? { name: 'Resend', state: 'on', detail: `operator e-mails to ${r.notifyEmail}` }
      : r.apiKey || r.notifyEmail
        ? {
            name: 'Resend',
            state: 'half',
            detail: r.apiKey ? 'OPERATOR_NOTIFY_EMAIL unset: no operator e-mails' : 'RESEND_API_KEY unset: no operator e-mails',
          }
        : { name: 'Resend', state: 'off', detail: 'no e-mails; requests are still saved' },
    config.sentry.dsn
      ? { name: 'Sentry', state: 'on', detail: `environment ${config.sentry.environment}` }
      : { name: 'Sentry', state: 'off', detail: 'errors go to the log only' },
    gh.token && gh.repo
      ? { name: 'GitHub feedback', state: 'on', detail: `operator files feedback as issues in ${gh.repo} from /admin/feedback` }
      : gh.token || gh.repo
        ? {
            name: 'GitHub feedback',
            state: 'half',
            detail: `${gh.token ? 'GITHUB_FEEDBACK_REPO' : 'GITHUB_FEEDBACK_TOKEN'} unset: feedback is saved in the database only`,
          }
        : { name: 'GitHub feedback', state: 'off', detail: 'feedback is saved in the database only (/admin/feedback)' },
    access.allowedUserIds.length + access.allowedEmails.length > 0
      ? {
          name: 'Allowlist',
          state: 'on',
          detail: `${access.allowedUserIds.length} ids, ${access.allowedEmails.length} e-mails`,
        }
      : {
          name: 'Allowlist',
          state: supabaseParts === 2 ? 'half' : 'off',
          detail:
            supabaseParts === 2
              ? 'LIS_ALLOWED_USER_IDS and LIS_ALLOWED_EMAILS unset: ANYONE with a GitHub account can sign in, or with any e-mail address by link'
              : 'local operator only',
        },
  ];
}

/** A short fixed-width table for the start-up log. */
export function formatIntegrationTable(rows: IntegrationStatus[]): string {
  const w = Math.max(...rows.map((r) => r.name.length));
  return rows.map((r) => `${r.name.padEnd(w)}  ${r.state === 'half' ? 'HALF' : r.state.padEnd(4)}  ${r.detail}`).join('\n');
}

/**
 * Warnings for the start-up log: every half-configured service, and, loudest, an open door -- Supabase sign-in on with
 * no allowlist means anyone with a GitHub account or an e-mail address gets in (kept so an existing deployment's settings keep their meaning, but
 * never silently).
 */
export function startupWarnings(config: Config): string[] {
  const rows = integrationStatus(config);
  const warnings = rows.filter((r) => r.state === 'half' && r.name !== 'Allowlist').map((r) => `${r.name} is half-configured: ${r.detail}`);
  const allowlist = rows.find((r) => r.name === 'Allowlist');
  if (allowlist?.state === 'half') {
    warnings.unshift(
      'NO ALLOWLIST: Supabase sign-in is on and LIS_ALLOWED_USER_IDS / LIS_ALLOWED_EMAILS are unset, so ANYONE with a GitHub ' +
        'account can sign in and use Bench, and anyone with an e-mail address through a sign-in link. Set one of them to ' +
        'restrict access.',
    );
  }
  return warnings;
}
