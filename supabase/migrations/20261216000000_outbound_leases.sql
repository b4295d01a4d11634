-- Request slots of outgoing calls to receivers our customers control (api/db/outbound_leases_repo.py): webhook
-- deliveries and calls back to an ATS. A call holds one row while its request runs, counted against two caps across
-- every worker: its target's (`webhook:<endpoint id>`: SHADOWS_API_WEBHOOK_MAX_CONCURRENCY_PER_ENDPOINT;
-- `ats:<provider>`, the organisation's Greenhouse or Ashby integration: SHADOWS_API_ATS_MAX_CONCURRENCY_PER_INTEGRATION)
-- and its organisation's (SHADOWS_API_OUTBOUND_MAX_CONCURRENCY_PER_ORGANIZATION). So a slow or hostile receiver, or
-- many endpoints of one organisation, hold at most that many of the workers' delivery slots. A crashed worker's
-- row expires by itself at `expires_at`.
--
-- It replaces `webhook_endpoint_leases` (per endpoint only), which nothing writes any more; that table stays until
-- no worker of the previous release can run, and goes in a later migration.
create table public.outbound_leases (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  target text not null check (target ~ '^(webhook:[0-9a-f-]{36}|ats:(greenhouse|ashby))$'),
  holder_id uuid not null,
  expires_at timestamp with time zone not null,
  primary key (organization_id, target, holder_id)
);

-- A replay asks whether a delivery's request is still in flight (by holder alone).
create index outbound_leases_holder_idx on public.outbound_leases using btree (holder_id);

alter table public.outbound_leases enable row level security;
