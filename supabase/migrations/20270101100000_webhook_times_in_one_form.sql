-- Every time a webhook payload carries is RFC 3339 in UTC with microseconds and `Z`, the envelope's form
-- (outbox_emit_webhook). The consent's and accommodation request's times came from `to_jsonb(timestamptz)`, which
-- writes `+00:00`: one payload held both forms, and a receiver that parsed one failed on the other. The API writes
-- `agreed_at` in the same form now (api/timestamps.py).
create or replace function public.outbox_session_event() returns trigger
language plpgsql as $$
begin
  if new.type = 'consent' then
    perform public.outbox_emit_webhook(new.session_id, 'session.consent_given', jsonb_build_object(
      'consent', jsonb_build_object(
        'notice_version', new.payload -> 'notice_version',
        'notice_sha256', new.payload -> 'notice_sha256',
        'agreed_at', coalesce(
          new.payload -> 'agreed_at',
          to_jsonb(to_char(new.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
        )
      )
    ));
  elsif new.type = 'accommodation_request' then
    perform public.outbox_emit_webhook(new.session_id, 'session.accommodation_requested', jsonb_build_object(
      'accommodation_request', jsonb_build_object(
        'kind', new.payload -> 'kind',
        'message', new.payload -> 'message',
        'requested_at', to_jsonb(to_char(new.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
      )
    ));
  end if;
  return null;
end;
$$;
