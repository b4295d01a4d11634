-- Share links to a session's report. The URL carries an HMAC-signed token (api/share_links.py): its id and expiry
-- are signed with SHADOWS_API_SHARE_SIGNING_KEY, so a tampered or expired token is refused without reading this
-- table, and rotating the key invalidates every link at once. A row says which session the link opens and whether
-- it was revoked. Deleting the session deletes its links.

create table public.share_links (
  id uuid not null primary key,
  session_id text not null references public.sessions (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  created_at timestamp with time zone not null default now(),
  expires_at timestamp with time zone not null,
  revoked_at timestamp with time zone null,
  constraint share_links_expiry_check check (expires_at > created_at)
);

create index share_links_session_idx on public.share_links using btree (session_id, created_at desc);

alter table public.share_links enable row level security;
