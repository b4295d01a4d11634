-- A receiver that asked us to wait (api/db/outbound_leases_repo.py): a webhook endpoint or an organisation's
-- Greenhouse or Ashby integration that answered 429 or 503 with `Retry-After` is sent none of that organisation's
-- calls to it until `until`, not only the call that was answered. Greenhouse and Ashby limit per API key, and every
-- call of an organisation's integration goes with its one key: before, each of its other calls was sent meanwhile,
-- answered 429 and spent one of its own attempts. `until` is bounded by the retry schedule's longest delay.
create table public.outbound_pauses (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  target text not null check (target ~ '^(webhook:[0-9a-f-]{36}|ats:(greenhouse|ashby))$'),
  until timestamp with time zone not null,
  primary key (organization_id, target)
);

alter table public.outbound_pauses enable row level security;
