-- Which key issued an API key (POST /v1/api-keys): null for a key made by the operator's CLI (`shadows orgs
-- create`, `shadows orgs keys create`). A revocation may take the keys its key issued with it, transitively
-- (DELETE /v1/api-keys/{id}?with_issued=true): a leaked key's offspring no longer outlive it. The id goes when the
-- issuer's row is pruned (30 days after its revocation); the prefix stays, as a legal hold's does.
alter table public.api_keys
  add column issued_by_key_id uuid null references public.api_keys (id) on delete set null,
  add column issued_by_key_prefix text null;

-- The walk from a key to the keys it issued, and the `set null` when an issuer is pruned.
create index api_keys_issued_by_idx on public.api_keys using btree (issued_by_key_id)
  where issued_by_key_id is not null;
