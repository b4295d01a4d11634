-- Agent redispatch reservations (api/db/redispatch_repo.py). A redispatch is reserved before LiveKit is asked and
-- counted in `sessions.agent_redispatches` only once LiveKit has dispatched; a reservation that is neither
-- confirmed nor given back (the database failed during the give-back, the API process died mid-call) stops
-- counting at `expires_at`, so no failure can use up a session's redispatches for nothing. `webhook_id` names the
-- LiveKit webhook that reserved it: a redelivery of that webhook after the reservation lapsed is applied afresh.

create table public.agent_redispatch_reservations (
  id uuid primary key default gen_random_uuid(),
  session_id text not null references public.sessions (id) on delete cascade,
  webhook_id text null,
  expires_at timestamp with time zone not null,
  created_at timestamp with time zone not null default now()
);

create index agent_redispatch_reservations_session_idx
  on public.agent_redispatch_reservations using btree (session_id, expires_at);
create unique index agent_redispatch_reservations_webhook_idx
  on public.agent_redispatch_reservations using btree (webhook_id) where webhook_id is not null;

alter table public.agent_redispatch_reservations enable row level security;
