-- A key issued by a replica still on the release before 20270120090100 (a rolling deploy) names its issuer
-- (`issued_by_key_id`) but not `issued_under_key_id`, the column the walk of a revocation `with_issued` goes by
-- (api/db/api_keys_repo.py): revoking the leaked key that issued it, with what it issued, passed it by. The issuer
-- is the first key up the chain until it is pruned, so a row that names one and not the other takes it as both.
create function public.api_key_issued_under() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  new.issued_under_key_id := new.issued_by_key_id;
  return new;
end;
$$;

create trigger api_key_issued_under
  before insert on public.api_keys
  for each row
  when (new.issued_under_key_id is null and new.issued_by_key_id is not null)
  execute function public.api_key_issued_under();

-- Those issued so far by such replicas (while its issuer's row stays, a key's `issued_under_key_id` is its
-- `issued_by_key_id`; a pruned issuer sets the latter null).
-- table-scan-ok: api_keys is small (at most 20 active per organisation, revoked ones pruned after 30 days).
update public.api_keys set issued_under_key_id = issued_by_key_id
  where issued_under_key_id is null and issued_by_key_id is not null;
