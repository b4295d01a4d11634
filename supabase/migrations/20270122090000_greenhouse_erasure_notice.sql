-- A Greenhouse interview erased on request (DELETE /v1/sessions/{id}, api/erasure.py) is news for Greenhouse too,
-- as it is for Ashby (20270106090000_session_erased_notices.sql): Greenhouse had read a score and a report link
-- that no longer opens, and kept showing both, since it reads test_status only when told to (the PATCH) and an
-- erased interview's test_status answered 404, which Greenhouse reports as an error. Now the erasure queues one
-- last PATCH to the order's callback URL (ats_callbacks kind `erased`, provider `greenhouse`), and test_status
-- answers `partner_status` `erased` for the interview while that notice is kept (pruned with the other finished
-- notices, 90 days after its last attempt; a 404 after that).
--
-- The notice outlives the session and its assessment, so it keeps the callback URL itself (Greenhouse's own URL
-- for the application's test: no personal data). Only a Greenhouse notice has one.
alter table public.ats_callbacks add column callback_url text null;
-- Checked for new rows at once, validated in 20270122090100 (no scan under this migration's lock).
alter table public.ats_callbacks add constraint ats_callbacks_callback_url_check
  check (callback_url is null or (provider = 'greenhouse' and kind = 'erased' and length(callback_url) <= 2000))
  not valid;

-- Call in the erasure's transaction, after `outbox_emit_erasure` (which cancels the session's jobs still waiting)
-- and before the session's row is deleted. Its job takes the session's lock, so it goes after any call of the
-- session already in flight. Returns the notice's id.
create function public.outbox_emit_greenhouse_erasure(p_session_id text, p_organization_id uuid, p_callback_url text)
returns uuid
language plpgsql as $$
declare
  callback_id uuid;
begin
  insert into public.ats_callbacks (session_id, organization_id, provider, kind, callback_url)
  values (p_session_id, p_organization_id, 'greenhouse', 'erased', p_callback_url)
  returning id into callback_id;
  perform public.outbox_defer_job(
    'deliver_ats_callback', 'integrations', 'ats:' || p_session_id, jsonb_build_object('callback_id', callback_id)
  );
  return callback_id;
end;
$$;

-- As every outbox function: not for Supabase's API roles.
do $$
declare
  api_role text;
begin
  revoke execute on function public.outbox_emit_greenhouse_erasure(text, uuid, text) from public;
  foreach api_role in array array['anon', 'authenticated'] loop
    if exists (select 1 from pg_roles where rolname = api_role) then
      execute format('revoke execute on function public.outbox_emit_greenhouse_erasure(text, uuid, text) from %I',
                     api_role);
    end if;
  end loop;
end;
$$;
