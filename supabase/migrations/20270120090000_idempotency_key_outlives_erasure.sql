-- An erased session no longer frees the `Idempotency-Key` that scheduled it (api/idempotency.py). Before, the key's
-- row went with the session (`on delete cascade`), and a hiring team's retry with the same key and body scheduled
-- the erased candidate again, a new session and invite, as if nothing had been erased.
--
-- Now the session's deletion sets the row's `session_id` null (whatever deletes it: an erasure, a cascade), and the
-- trigger below turns the row into a tombstone: `erased_at` set, the sealed answer (the session id, the raw invite)
-- and the request's fingerprint (a digest of the candidate's name and address among the rest) wiped. The key stays
-- claimed until its 24 hours are up (the retention job prunes it by `created_at`, as any key): a retry with it is
-- 409 `idempotency_key_erased` and schedules nothing; a new key schedules the candidate afresh, on purpose.
-- table-scan-ok: the keys of the last 24 hours only (pruned hourly); the check and the foreign key read them once.
alter table public.session_idempotency_keys
  add column erased_at timestamp with time zone null,
  alter column request_sha256 drop not null,
  drop constraint session_idempotency_keys_session_id_fkey,
  add constraint session_idempotency_keys_session_id_fkey
    foreign key (session_id) references public.sessions (id) on delete set null,
  -- A live key has its fingerprint; a tombstone has nothing but the organisation, the key and its times.
  add constraint session_idempotency_keys_erased_check check (
    case when erased_at is null then request_sha256 is not null
    else request_sha256 is null and session_id is null and response is null end
  );

-- Only the deletion of the session sets `session_id` null: a claim over an expired key keeps the old session until
-- the new one is stored, in its own transaction (api/db/idempotency_repo.py).
create function public.session_idempotency_key_erased() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  new.erased_at := now();
  new.request_sha256 := null;
  new.response := null;
  return new;
end;
$$;

create trigger session_idempotency_key_erased
  before update of session_id on public.session_idempotency_keys
  for each row
  when (old.session_id is not null and new.session_id is null)
  execute function public.session_idempotency_key_erased();
