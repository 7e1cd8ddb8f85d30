/**
 * E-mail through Resend. A notification is a courtesy about a database row, never the record itself: a missing key,
 * a Resend error or a timeout is logged and reported as such, and never fails the request that caused it.
 */
import { Resend } from 'resend';
import type { Config } from '../config.js';
import type { ErrorReporter } from '../observability/reporter.js';

/**
 * Resend's API sits behind Cloudflare, whose bot check refuses requests without a browser-like or named User-Agent
 * (error 1010). The SDK sends its own, but it can be replaced from the environment (RESEND_USER_AGENT), so we always
 * set ours explicitly and in one place.
 */
export const MAIL_USER_AGENT = 'bench-access/1.0 (+self-hosted Bench; access-request notifications)';
/** Resend's shared sender, used until the operator verifies a domain and sets OPERATOR_NOTIFY_FROM. */
const DEFAULT_FROM = 'Bench <onboarding@resend.dev>';
const SEND_TIMEOUT_MS = 5_000;

export type SendOutcome = 'sent' | 'skipped' | 'failed';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** Resend drops a repeat with the same key, so a retried notification is not sent twice. */
  idempotencyKey?: string;
}

export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface Mailer {
  /** Whether an API key is configured at all. */
  readonly enabled: boolean;
  readonly operatorEmail: string | undefined;
  send(mail: Mail, log: Logger): Promise<SendOutcome>;
}

/** A failed send leaves a breadcrumb, so the next error report shows that mail was failing too. */
export function createMailer(config: Config, reporter?: Pick<ErrorReporter, 'breadcrumb'>): Mailer {
  const { apiKey, notifyEmail, notifyFrom, baseUrl } = config.resend;
  // baseUrl is always passed (Resend's own when unset) so the SDK never falls back to reading the environment itself.
  const client = apiKey ? new Resend(apiKey, { baseUrl: baseUrl ?? 'https://api.resend.com', userAgent: MAIL_USER_AGENT }) : null;
  return {
    enabled: Boolean(client),
    operatorEmail: notifyEmail,
    async send(mail, log) {
      if (!client) {
        log.info({ subject: mail.subject }, 'RESEND_API_KEY unset: e-mail skipped');
        return 'skipped';
      }
      try {
        const { error } = await client.emails.send(
          { from: notifyFrom ?? DEFAULT_FROM, to: [mail.to], subject: mail.subject, text: mail.text },
          { signal: AbortSignal.timeout(SEND_TIMEOUT_MS), ...(mail.idempotencyKey ? { idempotencyKey: mail.idempotencyKey } : {}) },
        );
        if (error) {
          log.warn({ resendError: error }, 'Resend refused the e-mail');
          reporter?.breadcrumb('email', 'Resend refused the e-mail', { subject: mail.subject, name: error.name });
          return 'failed';
        }
        return 'sent';
      } catch (err) {
        log.warn({ err }, 'Resend could not be reached');
        reporter?.breadcrumb('email', 'Resend could not be reached', { subject: mail.subject, error: String(err) });
        return 'failed';
      }
    },
  };
}
