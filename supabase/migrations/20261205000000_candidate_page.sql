-- The candidate page: organisation settings (slug for /embed, logo, embed origins, interview policies, retention
-- shown in the notice), per-session role, languages and accommodations, server-side drafts, and the limit on
-- agent redispatches a candidate's page may ask for.

alter table public.organizations
  add column slug text null,
  add column logo_url text null check (logo_url is null or (logo_url ~ '^https://' and length(logo_url) <= 2000)),
  add column embed_origins text[] not null default '{}',
  add column allow_text_only boolean not null default false,
  add column allow_resubmission boolean not null default false,
  add column retention_days integer not null default 180 check (retention_days between 1 and 3650);

-- Existing organisations get a slug derived from their name: lower-case ASCII letters and digits joined by single
-- hyphens, "org" when nothing is left, and a numeric suffix (-2, -3, ...) when two names give the same slug.
with base as (
  select id, created_at,
         coalesce(nullif(trim(both '-' from regexp_replace(lower(name), '[^a-z0-9]+', '-', 'g')), ''), 'org') as s
  from public.organizations
), ranked as (
  select id, left(s, 40) as s, row_number() over (partition by left(s, 40) order by created_at, id) as n from base
)
update public.organizations o
set slug = case when r.n = 1 then r.s else r.s || '-' || r.n end
from ranked r where r.id = o.id;

alter table public.organizations
  alter column slug set not null,
  add constraint organizations_slug_key unique (slug),
  add constraint organizations_slug_check check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 48);

alter table public.sessions
  add column role text null check (role is null or length(role) between 1 and 200),
  add column languages text[] not null default '{}',
  add column extra_time_minutes integer not null default 0 check (extra_time_minutes between 0 and 180),
  add column text_only boolean not null default false,
  add column start_mode text null check (start_mode = any (array['voice', 'text'])),
  add column agent_redispatches integer not null default 0;

-- `languages` lists what the candidate may switch between; empty means only `language` (rows written before this
-- migration, or by code that does not set it).
alter table public.sessions
  add constraint sessions_languages_check check (
    languages <@ array['python', 'javascript', 'java', 'cpp']
    and (cardinality(languages) = 0 or language = any (languages))
  );

-- The candidate's code per session and language, saved by the page's debounced autosave. One row per language:
-- the latest save wins; `revision` counts saves so a page can tell that another tab saved since it loaded.
create table public.session_drafts (
  session_id text not null references public.sessions (id) on delete cascade,
  language text not null check (language = any (array['python', 'javascript', 'java', 'cpp'])),
  code text not null,
  revision integer not null default 1,
  updated_at timestamp with time zone not null default now(),
  primary key (session_id, language)
);

alter table public.session_drafts enable row level security;
