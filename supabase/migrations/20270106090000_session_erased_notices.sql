-- A session erased on request (DELETE /v1/sessions/{id}, api/erasure.py) is news for whoever holds a copy of it:
-- the organisation's webhook receivers get a `session.erased` event, and Ashby, when it ordered the assessment, a
-- final `assessment.update` saying the assessment was cancelled because its record was deleted (ats_callbacks
-- kind `erased`). Greenhouse gets nothing: it reads test_status, which answers 404 from then on.
--
-- Both are queued in the erasure's transaction, just before the session is deleted, by `outbox_emit_erasure`.
-- They carry no personal data: the event's payload is fixed here from the session id and the time of the erasure
-- alone, and the Ashby update is built when sent from the session id (Ashby's assessment id) and the row's creation
-- time.
-- They must outlive the session's delete, so the session foreign keys of `webhook_deliveries` and `ats_callbacks`
-- give way to a trigger that deletes a deleted session's rows except these notices (the cascade did the same for
-- every row). A finished `session.erased` delivery is pruned by the retention job like every other delivery (90
-- days after its last attempt, api/jobs/pruning.py), and so is a finished Ashby notice (the index below): the
-- session's other calls go with the session, these have none to go with.
--
-- Order: a notice goes after anything of the session already in flight. Its job takes the session's lock
-- (`webhook:<endpoint>:<session>`, `ats:<session>`), which runs after the job that holds it; the session's jobs
-- still waiting (queued, or waiting for a retry) are cancelled first, since their rows are gone and a job waiting
-- hours for a retry would otherwise hold the notice back as long.

insert into public.webhook_event_types (type, description) values
  ('session.erased', 'the session and everything recorded about it were deleted on request')
on conflict do nothing;

-- Erasure propagation is owed to every receiver that was told of the session: existing endpoints get the event
-- too (it carries no personal data; a receiver ignores types it does not know, as Standard Webhooks asks). An
-- endpoint not subscribed to it (registered by an API still running the code before this, or subscribed to other
-- types since) gets it all the same for a session it was sent something of (`outbox_emit_erasure`).
update public.webhook_endpoints
   set event_types = array_append(event_types, 'session.erased')
 where not ('session.erased' = any (event_types));

alter table public.ats_callbacks drop constraint ats_callbacks_kind_check;
alter table public.ats_callbacks add constraint ats_callbacks_kind_check
  check (kind = any (array[
    'completed', 'started', 'result', 'cancelled', 'invite_withheld', 'expired', 'grading', 'erased'
  ]));

alter table public.webhook_deliveries drop constraint webhook_deliveries_session_id_fkey;
alter table public.ats_callbacks drop constraint ats_callbacks_session_id_fkey;

-- What the two foreign keys' `on delete cascade` did, except for the erasure's own notices.
create function public.outbox_session_deleted() returns trigger
language plpgsql as $$
begin
  delete from public.webhook_deliveries where session_id = old.id and event_type <> 'session.erased';
  delete from public.ats_callbacks where session_id = old.id and kind <> 'erased';
  return null;
end;
$$;

create trigger outbox_session_deleted after delete on public.sessions
  for each row execute function public.outbox_session_deleted();

-- And what their checks did: a row other than an erasure's notice names a session that exists, and the session is
-- locked as the foreign key locked it (FOR KEY SHARE), so a delete waits for a transaction writing one of its rows
-- and then removes it, or the write, after the delete, is refused. Without it a `session.completed` written beside
-- an erasure (its payload read before the delete) outlived the session and reached the receivers after
-- `session.erased`, with the erased candidate's result.
create function public.outbox_session_exists(p_session_id text) returns void
language plpgsql as $$
begin
  perform from public.sessions where id = p_session_id for key share;
  if not found then
    raise foreign_key_violation using message = format('session %s does not exist', p_session_id);
  end if;
end;
$$;

create function public.webhook_deliveries_session_check() returns trigger
language plpgsql as $$
begin
  if new.session_id is not null and new.event_type <> 'session.erased' then
    perform public.outbox_session_exists(new.session_id);
  end if;
  return new;
end;
$$;

create trigger webhook_deliveries_session_check before insert or update of session_id, event_type
  on public.webhook_deliveries for each row execute function public.webhook_deliveries_session_check();

create function public.ats_callbacks_session_check() returns trigger
language plpgsql as $$
begin
  if new.kind <> 'erased' then
    perform public.outbox_session_exists(new.session_id);
  end if;
  return new;
end;
$$;

create trigger ats_callbacks_session_check before insert or update of session_id, kind
  on public.ats_callbacks for each row execute function public.ats_callbacks_session_check();

-- The retention job's rule for finished Ashby notices (api/jobs/pruning.py RULES).
create index ats_callbacks_erased_spent_idx on public.ats_callbacks
  using btree ((coalesce(last_attempt_at, created_at)))
  where kind = 'erased' and status <> 'pending';

-- Call in the erasure's transaction, before the session's row is deleted: each enabled endpoint of the
-- organisation subscribed to `session.erased`, or sent (or attempted, or sending) any delivery of the session, gets
-- one. `p_ashby`: Ashby ordered the assessment. Returns the webhook deliveries written.
create function public.outbox_emit_erasure(p_session_id text, p_organization_id uuid, p_ashby boolean)
returns integer
language plpgsql as $$
declare
  erased_at text := to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
  envelope jsonb;
  message text;
  delivery record;
  callback_id uuid;
  n integer := 0;
begin
  -- The session's jobs not yet running: their rows went with the session.
  perform public.procrastinate_cancel_job_v1(j.id, false, false)
     from public.procrastinate_jobs j
    where j.status = 'todo'
      and (j.lock = 'ats:' || p_session_id
           or j.lock in (select 'webhook:' || e.id || ':' || p_session_id
                           from public.webhook_endpoints e where e.organization_id = p_organization_id));
  envelope := jsonb_build_object(
    'type', 'session.erased',
    'timestamp', erased_at,
    'data', jsonb_build_object('session_id', p_session_id, 'erased_at', erased_at)
  );
  message := 'msg_' || replace(gen_random_uuid()::text, '-', '');
  for delivery in
    insert into public.webhook_deliveries (endpoint_id, session_id, event_type, payload, message_id)
    select e.id, p_session_id, 'session.erased', envelope, message
      from public.webhook_endpoints e
     where e.organization_id = p_organization_id and e.enabled
       and ('session.erased' = any (e.event_types)
            or exists (select from public.webhook_deliveries d
                        where d.endpoint_id = e.id and d.session_id = p_session_id
                          and d.event_type <> 'session.erased' and (d.status = 'delivered' or d.attempts > 0))
            -- a first request under way (its attempt is recorded once answered): its job is running
            or exists (select from public.procrastinate_jobs j
                        where j.status = 'doing' and j.lock = 'webhook:' || e.id || ':' || p_session_id))
     order by e.created_at, e.id
    returning id, endpoint_id
  loop
    perform public.outbox_defer_job(
      'deliver_webhook', 'webhooks', 'webhook:' || delivery.endpoint_id || ':' || p_session_id,
      jsonb_build_object('delivery_id', delivery.id)
    );
    n := n + 1;
  end loop;
  if p_ashby then
    insert into public.ats_callbacks (session_id, organization_id, provider, kind)
    values (p_session_id, p_organization_id, 'ashby', 'erased')
    returning id into callback_id;
    perform public.outbox_defer_job(
      'deliver_ats_callback', 'integrations', 'ats:' || p_session_id, jsonb_build_object('callback_id', callback_id)
    );
  end if;
  return n;
end;
$$;

-- As every outbox function (20261207000000_ats_integrations.sql): none of these is for Supabase's API roles.
do $$
declare
  fn regprocedure;
  api_role text;
begin
  for fn in
    select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public'
      and p.proname in ('outbox_session_deleted', 'outbox_emit_erasure', 'outbox_session_exists',
                        'webhook_deliveries_session_check', 'ats_callbacks_session_check')
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
