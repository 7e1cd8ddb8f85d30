-- The reading library keeps more of a page: its metadata, its main text (plain text only), a summary and tags (by
-- the LLM or offline), the user's own tags, whether it was read, and links to problems in the bank.
ALTER TABLE library_items
  ADD COLUMN site_name text,
  ADD COLUMN authors text[] NOT NULL DEFAULT '{}',
  ADD COLUMN published text,
  ADD COLUMN arxiv_id text,
  ADD COLUMN doi text,
  ADD COLUMN main_text text CHECK (length(main_text) <= 40000),
  ADD COLUMN summary text,
  ADD COLUMN summary_source text CHECK (summary_source IN ('llm', 'offline')),
  ADD COLUMN summary_notice text,
  ADD COLUMN auto_tags text[] NOT NULL DEFAULT '{}',
  ADD COLUMN user_tags text[] NOT NULL DEFAULT '{}',
  ADD COLUMN read_at timestamptz;

-- An item linked to problems it helps with. Problems are never deleted (a removed one is marked inactive), so the
-- foreign key cannot strand a link.
CREATE TABLE library_item_problems (
  item_id bigint NOT NULL REFERENCES library_items (id) ON DELETE CASCADE,
  slug text NOT NULL REFERENCES problems (slug),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (item_id, slug)
);

-- The problem page asks which of a user's items link to it.
CREATE INDEX library_item_problems_slug_idx ON library_item_problems (slug);
