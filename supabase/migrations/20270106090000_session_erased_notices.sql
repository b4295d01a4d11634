-- A session erased on request (DELETE /v1/sessions/{id}, api/erasure.py) is news for whoever holds a copy of it:
-- the organisation's webhook receivers get a `session.erased` event, and Ashby, when it ordered the assessment, a
-- final `assessment.update` saying the assessment was cancelled because its record was deleted (ats_callbacks
-- kind `erased`). Greenhouse gets nothing: it reads test_status, which answers 404 from then on.
--
-- Both are queued in the erasure's transaction, after the session is deleted, by `outbox_emit_erasure`. They carry
-- no personal data: the event's payload is fixed here from the session id and the time of the erasure alone, and
-- the Ashby update is built when sent from the session id (Ashby's assessment id) and the row's creation time.
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
-- too (it carries no personal data; a receiver ignores types it does not know, as Standard Webhooks asks).
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

-- The retention job's rule for finished Ashby notices (api/jobs/pruning.py RULES).
create index ats_callbacks_erased_spent_idx on public.ats_callbacks
  using btree ((coalesce(last_attempt_at, created_at)))
  where kind = 'erased' and status <> 'pending';

-- Call after the session's row was deleted, in the same transaction. `p_ashby`: Ashby ordered the assessment (read
-- before the delete). Returns the webhook deliveries written.
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
     where e.organization_id = p_organization_id and e.enabled and 'session.erased' = any (e.event_types)
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
