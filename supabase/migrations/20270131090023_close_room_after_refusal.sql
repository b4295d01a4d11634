-- A close queued for a refused join records why (`reason`: 'refused'), so the `close_livekit_room` job (api/rooms.py)
-- can tell it from a close queued for a finished session. A join is refused only while the session is scheduled (a
-- stale room token without the current consent, an expired or erased session); the candidate may consent and start
-- in the same room seconds later, and the job, when it runs, then keeps the room (it re-checks the session under its
-- row lock). A close for a finished session (the trigger, or the webhook seeing its room in use) carries no reason
-- and always deletes the room, as the jobs queued before this migration do.

drop function public.outbox_close_livekit_room(text, text, integer);

create function public.outbox_close_livekit_room(
  p_session_id text, p_room text, p_delay_s integer default 0, p_reason text default 'finished'
)
returns bigint
language plpgsql as $$
begin
  if p_reason not in ('finished', 'refused') then
    raise exception 'outbox_close_livekit_room: unknown reason %', p_reason;
  end if;
  return (public.procrastinate_defer_jobs_v1(
    array[row(
      'integrations', 'close_livekit_room', 0, 'livekit-room:' || p_session_id, null,
      jsonb_build_object('session_id', p_session_id, 'room', p_room)
        || case when p_reason = 'refused' then jsonb_build_object('reason', 'refused') else '{}'::jsonb end,
      case when p_delay_s > 0 then now() + make_interval(secs => p_delay_s) end
    )::public.procrastinate_job_to_defer_v1]
  ))[1];
end;
$$;

do $$
declare
  api_role text;
begin
  revoke execute on function public.outbox_close_livekit_room(text, text, integer, text) from public;
  foreach api_role in array array['anon', 'authenticated'] loop
    if exists (select 1 from pg_roles where rolname = api_role) then
      execute format(
        'revoke execute on function public.outbox_close_livekit_room(text, text, integer, text) from %I', api_role
      );
    end if;
  end loop;
end;
$$;
