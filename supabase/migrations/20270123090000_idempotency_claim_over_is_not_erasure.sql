-- A claim over an expired `Idempotency-Key` is never the erasure of its session, whichever release sends it.
--
-- Migration 20270120090000 made a row whose `session_id` goes null a tombstone, taking that for the session's
-- deletion (`on delete set null`). But replicas still on the release before it (a rolling deploy) claim over an
-- expired key with `set request_sha256 = excluded.request_sha256, created_at = now(), session_id = null,
-- response = null`: the trigger turned their claim into a tombstone, their `store` of the new session then broke
-- `session_idempotency_keys_erased_check`, and the request was a 500 (and over an expired tombstone the claim itself
-- broke the check, `erased_at` left set beside a new fingerprint). A claim over is told apart by its new
-- `created_at` and fingerprint (the session's deletion changes `session_id` alone): it makes the key live again
-- (`erased_at` null), and the new session is stored in its transaction as before. Only the session's deletion erases.
create or replace function public.session_idempotency_key_erased() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  if new.created_at is distinct from old.created_at and new.request_sha256 is not null then
    -- Claimed afresh (a key past its 24 hours, a new fingerprint): live again, whatever it was.
    new.erased_at := null;
  elsif old.session_id is not null and new.session_id is null then
    new.erased_at := now();
    new.request_sha256 := null;
    new.response := null;
  end if;
  return new;
end;
$$;

drop trigger session_idempotency_key_erased on public.session_idempotency_keys;

create trigger session_idempotency_key_erased
  before update of session_id, created_at on public.session_idempotency_keys
  for each row
  when (new.created_at is distinct from old.created_at or (old.session_id is not null and new.session_id is null))
  execute function public.session_idempotency_key_erased();
