-- ATS integrations: signed outgoing webhooks (Standard Webhooks) written to an outbox in the transaction of the
-- change that causes them, Greenhouse's and Ashby's assessment partner APIs, and the calls we make back to them.
-- Contract and payloads: docs/integrations.md.
--
-- How an event leaves: `outbox_emit_webhook(session, type, data)` writes one `webhook_deliveries` row per
-- subscribed endpoint and defers one `deliver_webhook` job per row on procrastinate's own SQL API
-- (`procrastinate_defer_jobs_v1`, the function procrastinate's Python `defer` calls), in the caller's transaction.
-- A session's status changes and its consent and accommodation events call it from triggers, so every code path
-- that changes them (today's and later ones) emits; the grading job calls it for scorecard outcomes. Jobs of one
-- (endpoint, session) share a procrastinate `lock`, which runs them one at a time in the order they were deferred:
-- a later event is never delivered before an earlier one, and a retried delivery holds back the ones after it.

-- ---------------------------------------------------------------------------------------------------------------
-- Webhook endpoints and deliveries

create table public.webhook_event_types (
  type text primary key check (type ~ '^[a-z]+(\.[a-z_]+)+$'),
  description text not null
);

insert into public.webhook_event_types (type, description) values
  ('session.scheduled', 'a session was created for a candidate'),
  ('session.started', 'the session went from scheduled to in progress'),
  ('session.completed', 'the interview ended normally'),
  ('session.abandoned', 'the room closed without a normal end'),
  ('scorecard.ready', 'a scorecard version was graded; carries the score summary and report_url'),
  ('scorecard.failed', 'grading a scorecard version failed; carries the reason'),
  ('session.consent_given', 'the candidate agreed to the notice'),
  ('session.accommodation_requested', 'the candidate asked for an accommodation or a human interview')
on conflict do nothing;

-- `secret` and `previous_secret` hold Standard Webhooks secrets sealed with SHADOWS_API_SEALING_KEYS (Fernet),
-- never the raw value. The previous secret also signs until `previous_secret_expires_at` (rotation overlap).
alter table public.webhook_endpoints
  add column description text null check (description is null or length(description) <= 200),
  add column previous_secret text null,
  add column previous_secret_expires_at timestamp with time zone null,
  add column disabled_reason text null check (disabled_reason is null or disabled_reason ~ '^[a-z][a-z0-9_]{0,63}$'),
  add column disabled_at timestamp with time zone null,
  add column updated_at timestamp with time zone not null default now(),
  add constraint webhook_endpoints_url_length_check check (length(url) <= 2000),
  add constraint webhook_endpoints_event_types_check check (cardinality(event_types) between 1 and 20),
  add constraint webhook_endpoints_rotation_check check (
    (previous_secret is null) = (previous_secret_expires_at is null)
  );

create trigger webhook_endpoints_touch before update on public.webhook_endpoints
  for each row execute function public.touch_updated_at();

-- One row per (event, endpoint). `message_id` is the event's `webhook-id`: the same for every endpoint and every
-- attempt, so receivers dedupe on it. `payload` is the envelope `{type, timestamp, data}`, fixed at emission.
-- `schedule_offset` is `attempts` when the current round began (a replay starts the retry schedule again).
-- `seq` orders deliveries as they were written (several events of one transaction share `created_at`).
alter table public.webhook_deliveries
  add column seq bigint generated always as identity,
  add column message_id text null,
  add column schedule_offset integer not null default 0,
  add column last_attempt_at timestamp with time zone null,
  add column last_response text null check (last_response is null or length(last_response) <= 1024),
  add constraint webhook_deliveries_event_type_fkey foreign key (event_type)
    references public.webhook_event_types (type),
  add constraint webhook_deliveries_attempts_check check (attempts >= 0 and schedule_offset between 0 and attempts),
  add constraint webhook_deliveries_error_check check (
    last_error is null or last_error ~ '^[a-z][a-z0-9_]{0,63}$'
  );

update public.webhook_deliveries set message_id = 'msg_' || replace(id::text, '-', '') where message_id is null;
alter table public.webhook_deliveries
  alter column message_id set not null,
  add constraint webhook_deliveries_message_id_check check (message_id ~ '^msg_[0-9a-f]{32}$'),
  add constraint webhook_deliveries_message_endpoint_key unique (message_id, endpoint_id);

create index webhook_deliveries_endpoint_seq_idx on public.webhook_deliveries using btree (endpoint_id, seq desc);
create index webhook_deliveries_session_idx on public.webhook_deliveries using btree (session_id);

-- At most SHADOWS_API_WEBHOOK_MAX_CONCURRENCY_PER_ENDPOINT requests in flight per endpoint, across every worker:
-- a delivery holds a lease row while its request runs. A crashed worker's lease expires by itself.
create table public.webhook_endpoint_leases (
  endpoint_id uuid not null references public.webhook_endpoints (id) on delete cascade,
  delivery_id uuid not null,
  expires_at timestamp with time zone not null,
  primary key (endpoint_id, delivery_id)
);

-- ---------------------------------------------------------------------------------------------------------------
-- Assessment partner integrations (Greenhouse, Ashby)

-- Keys we issue to an organisation for one ATS. `key_hash` (SHA-256) authenticates the ATS's calls; `key_sealed`
-- is the same key sealed, because Greenhouse's completion PATCH must present it. `provider_api_key_sealed` is the
-- organisation's own Ashby API key, which assessment.update needs. At most one live key per organisation and ATS.
create table public.integration_keys (
  id uuid not null default extensions.uuid_generate_v4 () primary key,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  provider text not null check (provider = any (array['greenhouse', 'ashby'])),
  key_hash bytea not null unique,
  key_sealed text not null,
  prefix text not null,
  provider_api_key_sealed text null,
  created_at timestamp with time zone not null default now(),
  revoked_at timestamp with time zone null,
  constraint integration_keys_ashby_key_check check (provider <> 'ashby' or provider_api_key_sealed is not null)
);

create unique index integration_keys_live_idx on public.integration_keys using btree (organization_id, provider)
  where revoked_at is null;

-- A session an ATS asked for. Greenhouse's `send_test` is idempotent on its callback `url`; Ashby refuses a second
-- active assessment of one candidate. `join_url_sealed` is the candidate's link (sealed: it opens the interview),
-- kept so that test_status can show it until the interview is complete and the invite e-mail can carry it.
-- `profile_url_sealed` is the report's share link given to the ATS, renewed before `profile_url_expires_at`.
create table public.ats_assessments (
  session_id text not null primary key references public.sessions (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  provider text not null check (provider = any (array['greenhouse', 'ashby'])),
  partner_test_id text not null check (length(partner_test_id) between 1 and 200),
  callback_url text null check (callback_url is null or length(callback_url) <= 2000),
  external_candidate_id text null check (external_candidate_id is null or length(external_candidate_id) <= 200),
  external_application_id text null check (external_application_id is null or length(external_application_id) <= 200),
  join_url_sealed text not null,
  invite_sent_at timestamp with time zone null,
  profile_url_sealed text null,
  profile_url_expires_at timestamp with time zone null,
  cancelled_by_ats_at timestamp with time zone null,
  created_at timestamp with time zone not null default now(),
  constraint ats_assessments_greenhouse_url_check check (provider <> 'greenhouse' or callback_url is not null)
);

create unique index ats_assessments_greenhouse_url_idx on public.ats_assessments using btree (organization_id, callback_url)
  where provider = 'greenhouse';
create index ats_assessments_candidate_idx on public.ats_assessments using btree (organization_id, provider, external_candidate_id);

-- Calls back to the ATS (Greenhouse's completion PATCH, Ashby's assessment.update), delivered by the
-- `deliver_ats_callback` job with the webhook retry schedule, one at a time per session and in order.
create table public.ats_callbacks (
  id uuid not null default extensions.uuid_generate_v4 () primary key,
  session_id text not null references public.sessions (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  provider text not null check (provider = any (array['greenhouse', 'ashby'])),
  kind text not null check (kind = any (array['completed', 'started', 'result', 'cancelled'])),
  scorecard_version integer null,
  status text not null default 'pending' check (status = any (array['pending', 'delivered', 'failed'])),
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamp with time zone not null default now(),
  last_attempt_at timestamp with time zone null,
  last_status_code integer null,
  last_error text null check (last_error is null or last_error ~ '^[a-z][a-z0-9_]{0,63}$'),
  created_at timestamp with time zone not null default now(),
  delivered_at timestamp with time zone null
);

create index ats_callbacks_session_idx on public.ats_callbacks using btree (session_id, created_at);

-- Greenhouse's `response_error` reports: what it could not parse in one of our answers.
create table public.ats_response_errors (
  id uuid not null default extensions.uuid_generate_v4 () primary key,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  provider text not null check (provider = any (array['greenhouse', 'ashby'])),
  api_call text not null check (length(api_call) <= 100),
  errors jsonb not null,
  partner_test_id text null check (partner_test_id is null or length(partner_test_id) <= 200),
  partner_interview_id text null check (partner_interview_id is null or length(partner_interview_id) <= 200),
  received_at timestamp with time zone not null default now()
);

create index ats_response_errors_org_idx on public.ats_response_errors using btree (organization_id, received_at desc);

-- ---------------------------------------------------------------------------------------------------------------
-- The outbox

-- One job on procrastinate's queue, in the caller's transaction (the SQL twin of api.jobs.enqueue.enqueue).
create function public.outbox_defer_job(p_task text, p_queue text, p_lock text, p_args jsonb) returns bigint
language sql as $$
  select (public.procrastinate_defer_jobs_v1(
    array[row(p_queue, p_task, 0, p_lock, null, p_args, null)::public.procrastinate_job_to_defer_v1]
  ))[1];
$$;

-- Emit one webhook event of a session: the envelope, one delivery per subscribed enabled endpoint of the session's
-- organisation, one job per delivery. `p_data` is merged into `data` after the common fields. Takes the session's
-- row lock, so that one session's events are numbered (job ids) in commit order. Returns the deliveries written.
create function public.outbox_emit_webhook(p_session_id text, p_type text, p_data jsonb default '{}'::jsonb)
returns integer
language plpgsql as $$
declare
  s record;
  message text;
  envelope jsonb;
  delivery record;
  n integer := 0;
begin
  select se.id, se.organization_id, se.metadata, c.external_id
    into s
    from public.sessions se left join public.candidates c on c.id = se.candidate_id
   where se.id = p_session_id
     for update of se;
  if not found or s.organization_id is null then
    return 0;
  end if;
  message := 'msg_' || replace(gen_random_uuid()::text, '-', '');
  envelope := jsonb_build_object(
    'type', p_type,
    'timestamp', to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    'data', jsonb_build_object(
      'session_id', s.id,
      'candidate', jsonb_build_object('external_id', s.external_id),
      'metadata', s.metadata
    ) || coalesce(p_data, '{}'::jsonb)
  );
  for delivery in
    insert into public.webhook_deliveries (endpoint_id, session_id, event_type, payload, message_id)
    select e.id, s.id, p_type, envelope, message
      from public.webhook_endpoints e
     where e.organization_id = s.organization_id and e.enabled and p_type = any (e.event_types)
     order by e.created_at, e.id
    returning id, endpoint_id
  loop
    perform public.outbox_defer_job(
      'deliver_webhook', 'webhooks', 'webhook:' || delivery.endpoint_id || ':' || s.id,
      jsonb_build_object('delivery_id', delivery.id)
    );
    n := n + 1;
  end loop;
  return n;
end;
$$;

-- Queue one call back to the ATS that asked for this session (none when no ATS did, or another ATS did).
create function public.outbox_emit_ats_callback(
  p_session_id text, p_provider text, p_kind text, p_version integer default null
) returns integer
language plpgsql as $$
declare
  callback_id uuid;
begin
  insert into public.ats_callbacks (session_id, organization_id, provider, kind, scorecard_version)
  select a.session_id, a.organization_id, a.provider, p_kind, p_version
    from public.ats_assessments a
   where a.session_id = p_session_id and a.provider = p_provider
  returning id into callback_id;
  if callback_id is null then
    return 0;
  end if;
  perform public.outbox_defer_job(
    'deliver_ats_callback', 'integrations', 'ats:' || p_session_id, jsonb_build_object('callback_id', callback_id)
  );
  return 1;
end;
$$;

-- Every status change of an organisation's session, whatever made it.
create function public.outbox_session_status() returns trigger
language plpgsql as $$
declare
  was text;
begin
  if new.organization_id is null then
    return null;
  end if;
  if tg_op = 'UPDATE' then
    was := old.status;
  end if;
  if tg_op = 'INSERT' then
    perform public.outbox_emit_webhook(new.id, 'session.scheduled', jsonb_build_object('status', 'scheduled'));
  end if;
  if coalesce(was, 'scheduled') = 'scheduled' and new.status <> 'scheduled' and new.started_at is not null then
    perform public.outbox_emit_webhook(new.id, 'session.started', jsonb_build_object('status', 'in_progress'));
    perform public.outbox_emit_ats_callback(new.id, 'ashby', 'started');
  end if;
  if new.status in ('completed', 'abandoned') then
    perform public.outbox_emit_webhook(
      new.id, 'session.' || new.status, jsonb_build_object('status', new.status, 'end_reason', new.end_reason)
    );
  elsif new.status = 'cancelled' and not exists (
    select 1 from public.ats_assessments a where a.session_id = new.id and a.cancelled_by_ats_at is not null
  ) then
    perform public.outbox_emit_ats_callback(new.id, 'ashby', 'cancelled');
  end if;
  return null;
end;
$$;

create trigger sessions_outbox_insert after insert on public.sessions
  for each row execute function public.outbox_session_status();
create trigger sessions_outbox_status after update of status on public.sessions
  for each row when (old.status is distinct from new.status) execute function public.outbox_session_status();

-- The candidate's consent and accommodation requests, as the candidate page stores them in the event log.
create function public.outbox_session_event() returns trigger
language plpgsql as $$
begin
  if new.type = 'consent' then
    perform public.outbox_emit_webhook(new.session_id, 'session.consent_given', jsonb_build_object(
      'consent', jsonb_build_object(
        'notice_version', new.payload -> 'notice_version',
        'notice_sha256', new.payload -> 'notice_sha256',
        'agreed_at', coalesce(new.payload -> 'agreed_at', to_jsonb(new.created_at))
      )
    ));
  elsif new.type = 'accommodation_request' then
    perform public.outbox_emit_webhook(new.session_id, 'session.accommodation_requested', jsonb_build_object(
      'accommodation_request', jsonb_build_object(
        'kind', new.payload -> 'kind',
        'message', new.payload -> 'message',
        'requested_at', to_jsonb(new.created_at)
      )
    ));
  end if;
  return null;
end;
$$;

create trigger session_events_outbox after insert on public.session_events
  for each row when (new.type in ('consent', 'accommodation_request'))
  execute function public.outbox_session_event();

-- ---------------------------------------------------------------------------------------------------------------
-- Supabase exposure: no policies, no rights on our functions for the API roles (see the procrastinate migration).

alter table public.webhook_event_types enable row level security;
alter table public.webhook_endpoint_leases enable row level security;
alter table public.integration_keys enable row level security;
alter table public.ats_assessments enable row level security;
alter table public.ats_callbacks enable row level security;
alter table public.ats_response_errors enable row level security;

do $$
declare
  fn regprocedure;
  api_role text;
begin
  for fn in
    select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' and p.proname like 'outbox\_%'
  loop
    execute format('revoke execute on function %s from public', fn);
    foreach api_role in array array['anon', 'authenticated'] loop
      if exists (select 1 from pg_roles where rolname = api_role) then
        execute format('revoke execute on function %s from %I', fn, api_role);
      end if;
    end loop;
  end loop;
end;
$$;
