-- A webhook endpoint's retired signing secrets, each signing for 24 h after the rotation that retired it
-- (api.routers.webhook_endpoints.ROTATION_OVERLAP_S), however many rotations follow: one `previous_secret` column
-- held only the last one, so rotating twice within the overlap (a double click, two tabs, a retry of a rotation
-- whose answer was lost) dropped the secret the receiver still verified with at once, and every delivery failed
-- verification until the receiver was given a secret it may never have seen. Sealed with SHADOWS_API_SEALING_KEYS
-- like `secret`. At most api.db.webhooks_repo.MAX_RETIRED_SECRETS sign at once (the newest; each adds a signature
-- to every delivery's header); expired ones are deleted by the next rotation.
create table public.webhook_retired_secrets (
  id bigint generated always as identity primary key,
  endpoint_id uuid not null references public.webhook_endpoints (id) on delete cascade,
  secret text not null,
  retired_at timestamp with time zone not null default now(),
  expires_at timestamp with time zone not null
);
create index webhook_retired_secrets_endpoint_idx
  on public.webhook_retired_secrets using btree (endpoint_id, retired_at desc);
alter table public.webhook_retired_secrets enable row level security;

insert into public.webhook_retired_secrets (endpoint_id, secret, retired_at, expires_at)
select id, previous_secret, now(), previous_secret_expires_at
  from public.webhook_endpoints
 where previous_secret is not null and previous_secret_expires_at > now();

-- No longer written or read; kept while processes of the previous release may still run (a rolling deploy), whose
-- workers select them for every delivery. Dropped by a later migration.
comment on column public.webhook_endpoints.previous_secret is
  'no longer used (webhook_retired_secrets); dropped once no process of the previous release runs';
comment on column public.webhook_endpoints.previous_secret_expires_at is
  'no longer used (webhook_retired_secrets); dropped once no process of the previous release runs';

-- An organisation's calls back to its ATSs across its sessions, newest first (GET /v1/ats-callbacks), and its
-- failed ones, the calls the ATS never took (`?status=failed`), without reading every session's log.
create index ats_callbacks_organization_idx
  on public.ats_callbacks using btree (organization_id, created_at desc, id desc);
create index ats_callbacks_organization_failed_idx
  on public.ats_callbacks using btree (organization_id, created_at desc, id desc) where status = 'failed';
