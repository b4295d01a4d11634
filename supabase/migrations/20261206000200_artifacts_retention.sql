-- Session artifacts in object storage (api/storage, api/artifacts.py), data retention and erasure.
--
-- session_uploads: an uploaded résumé PDF, stored with the session in its creation transaction, until the artifacts
--   job has copied it to storage (then deleted). Nothing uploaded is lost if storage is down at the time.
-- session_artifacts: what the artifacts job wrote to storage for a session (the JSON dump, the report PDF, the
--   résumé PDF), so that listing, retention and erasure know the objects without listing the bucket.
-- sessions.retention_applied_at: when the retention job erased the session's transcript and raw artifacts
--   (SHADOWS_API_RETENTION_DAYS after it ended); the scorecard is kept.
-- session_deletions: one row per erasure (a deletion request or retention), without personal data: the session
--   and organisation ids, why, when, and what was removed. Kept after the session itself is gone.

create table public.session_uploads (
  session_id text not null primary key references public.sessions (id) on delete cascade,
  resume_pdf bytea not null,
  created_at timestamp with time zone not null default now()
);

create table public.session_artifacts (
  session_id text not null references public.sessions (id) on delete cascade,
  name text not null check (name ~ '^[a-z][a-z0-9_.-]{0,63}$'),
  storage_key text not null,
  content_type text not null,
  size_bytes bigint not null check (size_bytes >= 0),
  sha256 text not null,
  written_at timestamp with time zone not null default now(),
  primary key (session_id, name)
);

alter table public.sessions add column retention_applied_at timestamp with time zone null;

-- The retention job's work list: finished sessions not yet erased, oldest first.
create index sessions_retention_due_idx on public.sessions using btree (ended_at)
  where retention_applied_at is null and status in ('completed', 'abandoned', 'cancelled');

create table public.session_deletions (
  id bigint generated always as identity primary key,
  session_id text not null,
  organization_id uuid null,
  reason text not null check (reason = any (array['request', 'retention'])),
  deleted_at timestamp with time zone not null default now(),
  removed jsonb not null default '{}'::jsonb
);

create index session_deletions_session_idx on public.session_deletions using btree (session_id);

alter table public.session_uploads enable row level security;
alter table public.session_artifacts enable row level security;
alter table public.session_deletions enable row level security;
