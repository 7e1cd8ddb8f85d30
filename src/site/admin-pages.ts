/**
 * The operator area's table of contents, shown at /admin. Adding an admin page: register its route under /admin/
 * (non-admins get 404 there automatically, see web/security.ts) and add one line here.
 */
export interface AdminPage {
  href: string;
  title: string;
  description: string;
}

export const ADMIN_PAGES: AdminPage[] = [
  { href: '/admin/ops', title: 'Operations', description: 'Health at a glance: queue, workers, grader pool, LLM spend, failures.' },
  { href: '/admin/access-requests', title: 'Access requests', description: 'Approve or deny people asking to be let in.' },
  { href: '/admin/users', title: 'Users', description: 'Who has access and why; revoke approvals.' },
  { href: '/admin/workers', title: 'Workers', description: 'Live workers, what they hold, and queue depth by status.' },
  { href: '/admin/providers', title: 'LLM providers', description: 'Which providers are enabled and why; test one.' },
  { href: '/admin/usage', title: 'LLM usage', description: "Today's tokens per user; reset a day or set a cap." },
  { href: '/admin/bench-access', title: 'Benchmark access', description: 'Grant or revoke benchmarks for users who are not admins.' },
  { href: '/admin/feedback', title: 'Feedback', description: 'What users wrote from the footer link; file it on GitHub.' },
  { href: '/admin/problem-reports', title: 'Problem reports', description: 'Reports of bad tests or unclear statements.' },
];
