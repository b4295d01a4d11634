-- The walk from a key to every key issued under it (DELETE /v1/api-keys/{id}?with_issued=true) survives the pruning
-- of a key in the middle. `issued_by_key_id` is set null when the issuer's row is pruned (30 days after its
-- revocation), so a chain A -> B -> C whose B was revoked alone and pruned had lost C: revoking the leaked A with what
-- it issued left C live. `issued_under_key_id` is the nearest key up the chain whose row is kept: the issuer, and
-- when the retention job prunes it, its own `issued_under_key_id` (api/jobs/pruning.py moves it down before the
-- delete). The listing still names the direct issuer (`issued_by_key_id`, its prefix kept after it goes).
-- table-scan-ok: a column without a default or a check reads no row (its foreign key has nothing to check yet).
alter table public.api_keys
  add column issued_under_key_id uuid null references public.api_keys (id) on delete set null;

-- What was issued before: the issuer it names (a chain already cut by a prune stays cut: nothing recorded the rest).
update public.api_keys set issued_under_key_id = issued_by_key_id where issued_by_key_id is not null;

-- The walk, and the prune's move of a pruned key's children up to its own.
create index api_keys_issued_under_idx on public.api_keys using btree (issued_under_key_id)
  where issued_under_key_id is not null;
