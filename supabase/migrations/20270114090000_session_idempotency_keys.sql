-- Idempotent session creation (POST /v1/sessions with an `Idempotency-Key` header; api/idempotency.py): an
-- integration that retries after a timeout gets the first answer back instead of a second session and invite.
--
-- One row per (organisation, key), inserted in the transaction that schedules the session: the unique constraint
-- makes a concurrent request with the same key wait for the first one's commit (then it reads the stored answer)
-- or its rollback (then it schedules). `request_sha256` is the request's fingerprint (same key, other body: 422).
-- `response` is the 201 body, sealed (it carries the raw invite, which is otherwise stored only as a digest).
-- A key is honoured for 24 hours; the hourly retention job deletes older rows (api/jobs/pruning.py), and an erased
-- session takes its row with it.
create table public.session_idempotency_keys (
  id bigint generated always as identity primary key,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  key text not null check (key ~ '^[!-~]{1,255}$'),
  request_sha256 bytea not null check (length(request_sha256) = 32),
  session_id text null references public.sessions (id) on delete cascade,
  response text null,
  created_at timestamp with time zone not null default now(),
  constraint session_idempotency_keys_org_key unique (organization_id, key)
);

-- The prune's scan, and an erased session's cascade.
create index session_idempotency_keys_created_idx on public.session_idempotency_keys using btree (created_at);
create index session_idempotency_keys_session_idx on public.session_idempotency_keys using btree (session_id);

alter table public.session_idempotency_keys enable row level security;
