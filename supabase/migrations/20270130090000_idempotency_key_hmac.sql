-- An `Idempotency-Key` is stored as a keyed HMAC, never as sent (api/idempotency.py). Before, the key itself was the
-- row's name, and a tombstone kept it for the rest of its 24 hours after the session's erasure: a key an integrator
-- built from a candidate's address or name outlived the erasure of everything else about them.
--
-- `key_hmac` is HMAC-SHA256 of the key under a subkey per organisation, derived from SHADOWS_API_SHARE_SIGNING_KEY
-- (never in the database: no SQL can compute it, so the rows stored as sent before this migration are not rewritten
-- here). The API looks a key up by its HMAC and, for the rest of their 24 hours, as sent; a row found as sent takes
-- its HMAC, its raw key wiped (`key` null), and an erasure renames its session's row first, so no tombstone keeps a
-- key as sent.
-- The checks go on `not valid` and are validated in 20270130090100.
alter table public.session_idempotency_keys
  add column key_hmac bytea null,
  alter column key drop not null,
  add constraint session_idempotency_keys_key_hmac_check check (length(key_hmac) = 32) not valid,
  -- A row has one name: the key as sent (a row from before this migration) or its HMAC.
  add constraint session_idempotency_keys_one_name_check check (num_nonnulls(key, key_hmac) = 1) not valid;

-- The claim's `on conflict (organization_id, key_hmac)`: concurrent requests with one key wait on one another here.
-- Built under SHARE (writes wait, reads go on): the table holds the keys of the last 24 hours only.
create unique index session_idempotency_keys_org_key_hmac
  on public.session_idempotency_keys using btree (organization_id, key_hmac);

-- No release from before this one writes a key as sent again. Such a replica (a rolling deploy, after this migration
-- and before its replica is replaced) would store the raw key, and could neither see a key its successors stored as
-- an HMAC (a retry would schedule the candidate twice, or an erased candidate again) nor read their tombstones (the
-- release before 20270120090000 answered one with a 500). Its claim is refused instead, with SQLSTATE 55000, which
-- every release answers as the retryable 503 `database_unavailable` having scheduled nothing; the retry reaches a
-- replica of this release.
create function public.session_idempotency_key_as_sent() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  raise exception 'session_idempotency_keys stores an Idempotency-Key as its HMAC (key_hmac), never as sent'
    using errcode = '55000',
      hint = 'A replica of a release from before migration 20270130090000 wrote it: replace it with this release.';
end;
$$;

create trigger session_idempotency_key_as_sent
  before insert or update of key on public.session_idempotency_keys
  for each row
  when (new.key is not null)
  execute function public.session_idempotency_key_as_sent();
