-- Legal holds (api.legal_holds, api.routers.legal_holds): an organisation in a dispute stops retention from erasing
-- one session's record until it lifts the hold.
--
-- One row per hold, placed and (later) lifted: the table is the hold's audit trail (who, when, why), so a lifted
-- hold stays as a row. At most one hold of a session is active (lifted_at null). session_id has no foreign key, like
-- session_deletions: the trail outlives a session deleted on request after its hold was lifted (a held session
-- cannot be deleted). Who: the organisation API key that placed or lifted it, by id (null once the key row goes)
-- and by prefix (kept).
--
-- A hold is placed, and the retention job checks for one, under the session row's lock (select ... for update):
-- a hold placed while the job erases the session waits for it and then finds the record gone (409), and the job
-- never erases a session whose hold committed first.
create table public.legal_holds (
  id uuid not null default extensions.uuid_generate_v4 () primary key,
  session_id text not null,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  reason text not null check (char_length(reason) between 1 and 1000),
  placed_at timestamp with time zone not null default now(),
  placed_by_key_id uuid null references public.api_keys (id) on delete set null,
  placed_by_key_prefix text not null,
  lifted_at timestamp with time zone null,
  lifted_by_key_id uuid null references public.api_keys (id) on delete set null,
  lifted_by_key_prefix text null,
  lift_reason text null check (char_length(lift_reason) <= 1000),
  check ((lifted_at is null) = (lifted_by_key_prefix is null))
);

-- One active hold per session, and what the retention job's "not held" test reads.
create unique index legal_holds_active_session_idx on public.legal_holds using btree (session_id)
  where lifted_at is null;
-- An organisation's held sessions, in the order they were held (GET /v1/legal-holds).
create index legal_holds_active_org_idx on public.legal_holds using btree (organization_id, placed_at, id)
  where lifted_at is null;
-- A session's trail (GET /v1/sessions/{id}/legal-holds).
create index legal_holds_session_idx on public.legal_holds using btree (session_id, placed_at);

alter table public.legal_holds enable row level security;
