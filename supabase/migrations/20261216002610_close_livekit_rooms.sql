-- A session that stops running ends its call: the `close_livekit_room` job (api/rooms.py) deletes its LiveKit room
-- through RoomService.DeleteRoom, which disconnects everyone in it, the interviewer included. A room token cannot be
-- taken back and LiveKit creates a room again when its holder joins, so the job is deferred from a trigger (every
-- path that cancels, completes or abandons a session, today's and later ones) and again by the LiveKit webhook
-- when a finished session's room is in use. A cancellation closes the room at once; a completion or abandonment
-- after 30 s (api.rooms.CLOSE_GRACE_S), the interviewer's goodbye.

create function public.outbox_close_livekit_room(p_session_id text, p_room text, p_delay_s integer default 0)
returns bigint
language sql as $$
  select (public.procrastinate_defer_jobs_v1(
    array[row(
      'integrations', 'close_livekit_room', 0, 'livekit-room:' || p_session_id, null,
      jsonb_build_object('session_id', p_session_id, 'room', p_room),
      case when p_delay_s > 0 then now() + make_interval(secs => p_delay_s) end
    )::public.procrastinate_job_to_defer_v1]
  ))[1];
$$;

create function public.outbox_session_room() returns trigger
language plpgsql as $$
begin
  perform public.outbox_close_livekit_room(
    new.id, new.room_name, case when new.status = 'cancelled' then 0 else 30 end
  );
  return null;
end;
$$;

create trigger sessions_close_room after update of status on public.sessions
  for each row when (
    old.status in ('scheduled', 'in_progress') and new.status in ('cancelled', 'completed', 'abandoned')
  )
  execute function public.outbox_session_room();

do $$
declare
  fn regprocedure;
  api_role text;
begin
  for fn in
    select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' and p.proname in ('outbox_close_livekit_room', 'outbox_session_room')
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
