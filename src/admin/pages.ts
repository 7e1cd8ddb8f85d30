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
  { href: '/admin/access-requests', title: 'Access requests', description: 'Approve or deny people asking to be let in.' },
  { href: '/admin/users', title: 'Users', description: 'Who has access and why; revoke approvals.' },
];
