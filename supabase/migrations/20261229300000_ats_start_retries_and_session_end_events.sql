-- 1. A start an ATS sends again. `request_sha256` is the fingerprint of what the ATS asked for
--    (api.integrations.assessments.request_fingerprint): Ashby retrying `assessment.start` for the candidate's active
--    assessment, or Greenhouse re-sending `send_test` with the same `url`, gets the assessment it has when the
--    fingerprint matches, and a conflict when it does not. Null for assessments stored before it was kept.
alter table public.ats_assessments
  add column request_sha256 bytea null check (request_sha256 is null or length(request_sha256) = 32);

-- 2. A session that ends without a scorecard says so. Before this, a cancelled session and an invite that ran
--    out unused sent no event at all, so a receiver waiting for `scorecard.ready` waited for ever.
--    - `session.cancelled`: the status became cancelled (by the API, the hiring team in Shadows, or Ashby's
--      assessment.cancel), from the status trigger like every other status event.
--    - `session.expired`: the candidate did not start before `invite_expires_at`. The status stays `scheduled`
--      (the join link is refused past it); `expired_at` records when the `sweep_lapsed_sessions` job
--      (api.jobs.lapsed_sessions) saw it, once per session, and its trigger emits the event.
--    The ATS that asked for the session hears the same: Ashby an `assessment.update` with `cancelled_reason` (its
--    contract's ended-without-result state; kind `expired` for the invite), and Greenhouse a `PATCH` to its
--    callback url (kind `cancelled` or `expired`), on which it reads `test_status`: `cancelled` or `expired`.
insert into public.webhook_event_types (type, description) values
  ('session.cancelled', 'the session was cancelled before it ended; no scorecard follows'),
  ('session.expired', 'the invite expired before the candidate started; no scorecard follows')
on conflict do nothing;

alter table public.sessions add column expired_at timestamp with time zone null;
-- Sessions whose invite had already run out are not news: marked as seen, without an event.
update public.sessions set expired_at = invite_expires_at
 where status = 'scheduled' and invite_expires_at <= now();
create index sessions_invite_expiry_due_idx on public.sessions using btree (invite_expires_at)
  where status = 'scheduled' and expired_at is null;

alter table public.ats_callbacks drop constraint ats_callbacks_kind_check;
alter table public.ats_callbacks add constraint ats_callbacks_kind_check
  check (kind = any (array['completed', 'started', 'result', 'cancelled', 'invite_withheld', 'expired']));

create or replace function public.outbox_session_status() returns trigger
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
  elsif new.status = 'cancelled' then
    perform public.outbox_emit_webhook(
      new.id, 'session.cancelled', jsonb_build_object('status', new.status, 'end_reason', new.end_reason)
    );
    perform public.outbox_emit_ats_callback(new.id, 'greenhouse', 'cancelled');
    if not exists (
      select 1 from public.ats_assessments a where a.session_id = new.id and a.cancelled_by_ats_at is not null
    ) then
      perform public.outbox_emit_ats_callback(new.id, 'ashby', 'cancelled');
    end if;
  end if;
  return null;
end;
$$;

create function public.outbox_session_expired() returns trigger
language plpgsql as $$
begin
  if new.organization_id is null then
    return null;
  end if;
  perform public.outbox_emit_webhook(new.id, 'session.expired', jsonb_build_object(
    'status', new.status,
    'invite_expires_at', to_char(new.invite_expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
  ));
  perform public.outbox_emit_ats_callback(new.id, 'greenhouse', 'expired');
  perform public.outbox_emit_ats_callback(new.id, 'ashby', 'expired');
  return null;
end;
$$;

create trigger sessions_outbox_expired after update of expired_at on public.sessions
  for each row when (old.expired_at is null and new.expired_at is not null)
  execute function public.outbox_session_expired();

do $$
declare
  api_role text;
begin
  revoke execute on function public.outbox_session_expired() from public;
  foreach api_role in array array['anon', 'authenticated'] loop
    if exists (select 1 from pg_roles where rolname = api_role) then
      execute format('revoke execute on function public.outbox_session_expired() from %I', api_role);
    end if;
  end loop;
end;
$$;
