-- Shadows initial schema. A superset of the design note's five tables (questions, starter_codes, test_cases,
-- submissions, sessions), keeping their names, columns and check constraints, plus organisations, API keys,
-- candidates, the append-only session event log, scorecards and outgoing webhooks.
-- Works on Supabase (where the `extensions` and `auth` schemas already exist) and on a bare PostgreSQL 15.

create schema if not exists extensions;
create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pgcrypto with schema extensions;

-- Supabase provides auth.users; a bare server gets a minimal stand-in so the foreign keys hold.
create schema if not exists auth;
create table if not exists auth.users (
  id uuid not null primary key,
  email text null,
  created_at timestamp with time zone null default now()
);

-- ---------------------------------------------------------------------------------------------------------------
-- Question bank (tech.md tables first, then our additions as extra columns and tables)

create table public.questions (
  id uuid not null default extensions.uuid_generate_v4 (),
  question_number integer not null,
  title text not null,
  description_md text not null,
  difficulty text not null,
  created_at timestamp with time zone null default now(),
  updated_at timestamp with time zone null default now(),
  question_uri text not null,
  slug text not null,
  topics text[] not null default '{}',
  signature jsonb not null,
  compare jsonb not null default '{}'::jsonb,
  hints jsonb not null default '[]'::jsonb,
  rubric jsonb not null default '[]'::jsonb,
  constraint questions_pkey primary key (id),
  constraint questions_difficulty_check check (
    (
      difficulty = any (array['Easy'::text, 'Medium'::text, 'Hard'::text])
    )
  ),
  constraint questions_slug_key unique (slug),
  constraint questions_number_key unique (question_number)
) TABLESPACE pg_default;

create index questions_difficulty_idx on public.questions using btree (difficulty);
create index questions_topics_idx on public.questions using gin (topics);

create table public.starter_codes (
  id uuid not null default extensions.uuid_generate_v4 (),
  question_id uuid null,
  language text not null,
  code text not null,
  created_at timestamp with time zone null default now(),
  main text not null,
  imports text null,
  constraint starter_codes_pkey primary key (id),
  constraint starter_codes_question_id_fkey foreign KEY (question_id) references questions (id) on delete CASCADE,
  constraint starter_codes_language_check check (language = any (array['python', 'javascript', 'java', 'cpp']))
) TABLESPACE pg_default;

create unique INDEX IF not exists starter_codes_question_lang_idx on public.starter_codes using btree (question_id, language) TABLESPACE pg_default;

create table public.test_cases (
  id uuid not null default extensions.uuid_generate_v4 (),
  question_id uuid null,
  input text not null,
  expected_output text not null,
  hidden boolean null default false,
  created_at timestamp with time zone null default now(),
  case_key text not null,
  position integer not null,
  constraint test_cases_pkey primary key (id),
  constraint test_cases_question_id_fkey foreign KEY (question_id) references questions (id) on delete CASCADE,
  constraint test_cases_question_key unique (question_id, case_key)
) TABLESPACE pg_default;

create index test_cases_question_position_idx on public.test_cases using btree (question_id, position);

-- Reference solutions are for the judge's bank validation and the grader; never sent to the agent or candidate.
create table public.reference_solutions (
  question_id uuid not null references public.questions (id) on delete cascade,
  language text not null check (language = any (array['python', 'javascript', 'java', 'cpp'])),
  code text not null,
  created_at timestamp with time zone not null default now(),
  primary key (question_id, language)
);

-- ---------------------------------------------------------------------------------------------------------------
-- Tenancy and auth

create table public.organizations (
  id uuid not null default extensions.uuid_generate_v4 () primary key,
  name text not null check (length(name) between 1 and 200),
  created_at timestamp with time zone not null default now()
);

create table public.api_keys (
  id uuid not null default extensions.uuid_generate_v4 () primary key,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  -- SHA-256 of the raw key; the raw key is shown once at creation and never stored.
  key_hash bytea not null unique,
  prefix text not null,
  name text null,
  created_at timestamp with time zone not null default now(),
  last_used_at timestamp with time zone null,
  revoked_at timestamp with time zone null
);

create index api_keys_organization_idx on public.api_keys using btree (organization_id);

create table public.candidates (
  id uuid not null default extensions.uuid_generate_v4 () primary key,
  organization_id uuid null references public.organizations (id) on delete cascade,
  name text not null,
  email text null,
  external_id text null,
  created_at timestamp with time zone not null default now()
);

create index candidates_organization_idx on public.candidates using btree (organization_id);
create unique index candidates_org_external_idx on public.candidates using btree (organization_id, external_id)
  where external_id is not null;

-- ---------------------------------------------------------------------------------------------------------------
-- Sessions (tech.md's table, with its status set widened to the scheduled -> in_progress -> end states lifecycle)

create table public.sessions (
  id text not null,
  user_id uuid null,
  question_id uuid null,
  status text not null default 'scheduled'::text,
  started_at timestamp with time zone null,
  ended_at timestamp with time zone null,
  transcript jsonb null,
  events jsonb null,
  final_code text null,
  created_at timestamp with time zone null default now(),
  updated_at timestamp with time zone null default now(),
  visibility text not null default 'private'::text,
  organization_id uuid null,
  candidate_id uuid null,
  language text not null default 'python',
  room_name text not null,
  invite_hash bytea not null,
  invite_expires_at timestamp with time zone not null,
  duration_minutes integer not null default 45,
  expires_at timestamp with time zone not null,
  job_description text null,
  resume_text text null,
  metadata jsonb not null default '{}'::jsonb,
  practice boolean not null default false,
  end_reason text null,
  constraint sessions_pkey primary key (id),
  constraint sessions_question_id_fkey foreign KEY (question_id) references questions (id) on delete CASCADE,
  constraint sessions_user_id_fkey foreign KEY (user_id) references auth.users (id) on delete set null,
  constraint sessions_organization_id_fkey foreign key (organization_id) references organizations (id) on delete cascade,
  constraint sessions_candidate_id_fkey foreign key (candidate_id) references candidates (id) on delete set null,
  constraint sessions_status_check check (
    (
      status = any (
        array[
          'scheduled'::text,
          'in_progress'::text,
          'completed'::text,
          'abandoned'::text,
          'cancelled'::text
        ]
      )
    )
  ),
  constraint sessions_visibility_check check (
    (
      visibility = any (
        array[
          'private'::text,
          'public'::text,
          'unlisted'::text
        ]
      )
    )
  ),
  constraint sessions_language_check check (language = any (array['python', 'javascript', 'java', 'cpp'])),
  constraint sessions_duration_check check (duration_minutes between 5 and 180),
  constraint sessions_room_name_key unique (room_name),
  constraint sessions_invite_hash_key unique (invite_hash),
  constraint sessions_org_or_practice_check check (practice or organization_id is not null)
) TABLESPACE pg_default;

create index sessions_org_created_idx on public.sessions using btree (organization_id, created_at desc, id desc);
create index sessions_org_status_created_idx on public.sessions using btree (organization_id, status, created_at desc);
create index sessions_question_idx on public.sessions using btree (question_id);
create index sessions_candidate_idx on public.sessions using btree (candidate_id);

create table public.submissions (
  id uuid not null default extensions.uuid_generate_v4 (),
  user_id uuid null,
  question_id uuid null,
  language text not null,
  code text not null,
  result_json jsonb null,
  created_at timestamp with time zone null default now(),
  session_id text null,
  kind text not null default 'submit',
  verdict text null,
  constraint submissions_pkey primary key (id),
  constraint submissions_question_id_fkey foreign KEY (question_id) references questions (id) on delete CASCADE,
  constraint submissions_session_id_fkey foreign KEY (session_id) references sessions (id) on delete CASCADE,
  constraint submissions_user_id_fkey foreign KEY (user_id) references auth.users (id) on delete set null,
  constraint submissions_kind_check check (kind = any (array['run', 'submit']))
) TABLESPACE pg_default;

create index submissions_session_created_idx on public.submissions using btree (session_id, created_at);

-- Append-only event log: one row per transcript item, editor snapshot, tool call, test run, hint, phase change,
-- turn metrics... `seq` is dense per session and assigned under a row lock on the session.
create table public.session_events (
  id bigint generated always as identity primary key,
  session_id text not null references public.sessions (id) on delete cascade,
  seq integer not null,
  idempotency_key text not null check (length(idempotency_key) between 1 and 200),
  type text not null check (type = any (array[
    'transcript', 'editor_snapshot', 'tool_call', 'test_run', 'submission', 'hint', 'phase_change',
    'turn_metrics', 'model_usage', 'time_warning', 'note'
  ])),
  t double precision null,
  payload jsonb not null default '{}'::jsonb,
  created_at timestamp with time zone not null default now(),
  constraint session_events_seq_key unique (session_id, seq),
  constraint session_events_idempotency_key unique (session_id, idempotency_key)
);

create index session_events_session_type_idx on public.session_events using btree (session_id, type, seq);

create or replace function public.session_events_append_only() returns trigger
language plpgsql as $$
begin
  raise exception 'session_events is append-only';
end;
$$;

create trigger session_events_no_update before update on public.session_events
  for each row execute function public.session_events_append_only();

create table public.scorecards (
  id uuid not null default extensions.uuid_generate_v4 () primary key,
  session_id text not null references public.sessions (id) on delete cascade,
  model text not null,
  overall_score numeric(4, 2) null,
  recommendation text null check (recommendation = any (array['strong_yes', 'yes', 'lean_yes', 'lean_no', 'no', 'strong_no'])),
  dimensions jsonb not null default '[]'::jsonb,
  summary_md text null,
  created_at timestamp with time zone not null default now(),
  constraint scorecards_session_key unique (session_id)
);

-- ---------------------------------------------------------------------------------------------------------------
-- Outgoing webhooks (to an ATS)

create table public.webhook_endpoints (
  id uuid not null default extensions.uuid_generate_v4 () primary key,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  url text not null check (url ~ '^https?://'),
  secret text not null,
  event_types text[] not null default '{}',
  enabled boolean not null default true,
  created_at timestamp with time zone not null default now()
);

create index webhook_endpoints_org_idx on public.webhook_endpoints using btree (organization_id);

create table public.webhook_deliveries (
  id uuid not null default extensions.uuid_generate_v4 () primary key,
  endpoint_id uuid not null references public.webhook_endpoints (id) on delete cascade,
  session_id text null references public.sessions (id) on delete cascade,
  event_type text not null,
  payload jsonb not null,
  status text not null default 'pending' check (status = any (array['pending', 'delivered', 'failed'])),
  attempts integer not null default 0,
  next_attempt_at timestamp with time zone not null default now(),
  last_status_code integer null,
  last_error text null,
  created_at timestamp with time zone not null default now(),
  delivered_at timestamp with time zone null
);

create index webhook_deliveries_due_idx on public.webhook_deliveries using btree (status, next_attempt_at);
create index webhook_deliveries_endpoint_idx on public.webhook_deliveries using btree (endpoint_id, created_at desc);

-- LiveKit webhook deliveries we have processed, so a replayed webhook is a no-op.
create table public.livekit_webhook_events (
  id text primary key,
  event text not null,
  room_name text null,
  received_at timestamp with time zone not null default now()
);

-- updated_at maintenance for the tables that carry it
create or replace function public.touch_updated_at() returns trigger
language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

create trigger questions_touch before update on public.questions
  for each row execute function public.touch_updated_at();
create trigger sessions_touch before update on public.sessions
  for each row execute function public.touch_updated_at();

-- Supabase exposes the public schema through PostgREST; with row level security on and no policies, the anon and
-- authenticated roles see nothing. The API connects as the table owner (or service role), which bypasses RLS.
alter table public.questions enable row level security;
alter table public.starter_codes enable row level security;
alter table public.test_cases enable row level security;
alter table public.reference_solutions enable row level security;
alter table public.organizations enable row level security;
alter table public.api_keys enable row level security;
alter table public.candidates enable row level security;
alter table public.sessions enable row level security;
alter table public.submissions enable row level security;
alter table public.session_events enable row level security;
alter table public.scorecards enable row level security;
alter table public.webhook_endpoints enable row level security;
alter table public.webhook_deliveries enable row level security;
alter table public.livekit_webhook_events enable row level security;
