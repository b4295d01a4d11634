-- What minted each share link (api/share_links.py). A link minted for an ATS (the profile URL handed to Greenhouse
-- or Ashby) is bound to that organisation's integration key of the time: it opens the report only while that key
-- is unrevoked, so revoking (or rotating) the key cuts every link the ATS holds, at once. A link minted with an
-- organisation API key records the key, for the list of links (which key minted what, to revoke the ones a leaked
-- key minted), but outlives it: rotating API keys must not break the links handed to reviewers. Links Shadows
-- minted itself (a webhook's report_url, `shadows share`) have neither.

alter table public.share_links
  add column integration_key_id uuid null references public.integration_keys (id) on delete cascade,
  add column api_key_id uuid null references public.api_keys (id) on delete set null,
  add constraint share_links_one_source_check check (integration_key_id is null or api_key_id is null);

create index share_links_integration_key_idx on public.share_links using btree (integration_key_id)
  where integration_key_id is not null;
create index share_links_api_key_idx on public.share_links using btree (api_key_id) where api_key_id is not null;
