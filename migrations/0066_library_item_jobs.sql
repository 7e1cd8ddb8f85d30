-- A library item linked to job descriptions it helps prepare for. Both sides belong to one user; the link table does
-- not repeat the owner, so the statements that write it check that the item and the JD are that user's (see
-- src/library/job-link-queries.ts). Deleting either side removes the link.
CREATE TABLE library_item_jobs (
  item_id bigint NOT NULL REFERENCES library_items (id) ON DELETE CASCADE,
  job_id bigint NOT NULL REFERENCES job_descriptions (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (item_id, job_id)
);

-- The JD page asks which items link to it.
CREATE INDEX library_item_jobs_job_idx ON library_item_jobs (job_id);
