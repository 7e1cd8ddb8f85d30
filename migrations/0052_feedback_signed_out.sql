-- Signed-out visitors may send feedback too (behind a honeypot and per-IP limits). Their rows have no user, like a
-- deleted user's; this says which, so /admin/feedback does not call a visitor a deleted account.
ALTER TABLE feedback ADD COLUMN signed_out boolean NOT NULL DEFAULT false;
