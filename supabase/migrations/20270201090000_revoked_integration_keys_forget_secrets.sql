-- A revoked ATS key's secrets are forgotten when it is revoked: its sealed copy (`key_sealed`, which Greenhouse's
-- completion PATCH presents) and the organisation's own Ashby API key (`provider_api_key_sealed`, a credential with
-- write access to the customer's Ashby). Nothing reads them once the key is revoked (a call is built, and checked
-- again just before its request, with the live key only: api/integrations/callbacks.py); the row itself stays 30
-- days (`key_hash`, so a stale key an ATS still presents is told from a guess) and is then pruned. Before, an
-- organisation that disconnected Ashby, or rotated its key, left its Ashby API key stored for those 30 days.
--
-- A trigger, so that every revocation forgets them (a rotation's and a disconnection's, by any release), and the
-- rows revoked before this migration are cleared here.

alter table public.integration_keys alter column key_sealed drop not null;
alter table public.integration_keys drop constraint integration_keys_ashby_key_check;
-- table-scan-ok: integration_keys is small (at most two live keys per organisation and provider, revoked ones pruned
-- after 30 days).
alter table public.integration_keys add constraint integration_keys_live_secrets_check check (
  revoked_at is not null or (key_sealed is not null and (provider <> 'ashby' or provider_api_key_sealed is not null))
);

create function public.integration_keys_forget_secrets() returns trigger
language plpgsql as $$
begin
  new.key_sealed := null;
  new.provider_api_key_sealed := null;
  return new;
end;
$$;

create trigger integration_keys_forget_secrets before update of revoked_at on public.integration_keys
  for each row when (new.revoked_at is not null) execute function public.integration_keys_forget_secrets();

do $$
declare
  api_role text;
begin
  revoke execute on function public.integration_keys_forget_secrets() from public;
  foreach api_role in array array['anon', 'authenticated'] loop
    if exists (select 1 from pg_roles where rolname = api_role) then
      execute format('revoke execute on function public.integration_keys_forget_secrets() from %I', api_role);
    end if;
  end loop;
end;
$$;

update public.integration_keys set key_sealed = null, provider_api_key_sealed = null
where revoked_at is not null and (key_sealed is not null or provider_api_key_sealed is not null);
