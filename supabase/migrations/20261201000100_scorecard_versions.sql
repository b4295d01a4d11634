-- Scorecards become versions. The session's end grades it once (version 1, trigger `session_end`); each re-grade
-- adds a version (trigger `regrade`) and keeps the earlier ones. A version is `pending` until the grading job
-- stores it as `ready` (a validated scorecard) or `failed` (with a machine-readable `reason`).
-- Contract: docs/grading.md. The whole validated scorecard is `scorecard` (jsonb); `recommendation` and
-- `overall_score` repeat two of its figures as columns so that lists and analytics can filter on them.

alter table public.scorecards drop constraint scorecards_session_key;
alter table public.scorecards drop constraint scorecards_recommendation_check;

alter table public.scorecards
  add column version integer null,
  add column status text not null default 'pending',
  add column reason text null,
  add column trigger text not null default 'session_end',
  add column scorecard jsonb null,
  add column facts jsonb null,
  add column needs_human_review boolean not null default false,
  add column prompt_version text null,
  add column rubric_version text null,
  add column input_tokens integer null,
  add column output_tokens integer null,
  add column cost_usd numeric(12, 6) null,
  add column duration_ms integer null,
  add column samples integer null,
  add column completed_at timestamp with time zone null;

-- Rows written before versions existed (none are expected) become ready versions in creation order, with their
-- six-step recommendation mapped onto the four bands.
update public.scorecards s set
  version = v.n,
  status = 'ready',
  completed_at = s.created_at,
  recommendation = case s.recommendation
    when 'strong_yes' then 'strong_hire'
    when 'yes' then 'hire'
    when 'lean_yes' then 'hire'
    when 'lean_no' then 'no_hire'
    when 'no' then 'no_hire'
    when 'strong_no' then 'strong_no_hire'
  end
from (
  select id, row_number() over (partition by session_id order by created_at, id) as n from public.scorecards
) v
where v.id = s.id;

alter table public.scorecards
  alter column version set not null,
  alter column model drop not null,
  drop column dimensions,
  drop column summary_md,
  add constraint scorecards_version_check check (version >= 1),
  add constraint scorecards_session_version_key unique (session_id, version),
  add constraint scorecards_status_check check (status = any (array['pending', 'ready', 'failed'])),
  add constraint scorecards_trigger_check check (trigger = any (array['session_end', 'regrade'])),
  add constraint scorecards_recommendation_check check (
    recommendation = any (array['strong_no_hire', 'no_hire', 'hire', 'strong_hire'])
  ),
  add constraint scorecards_overall_score_check check (overall_score between 1 and 4),
  add constraint scorecards_reason_check check (reason ~ '^[a-z][a-z0-9_]{0,63}$'),
  -- A ready version has a stored scorecard; a failed one says why; only a pending one is unfinished.
  add constraint scorecards_ready_check check (
    status <> 'ready' or (scorecard is not null and recommendation is not null and reason is null)
  ),
  add constraint scorecards_failed_check check (status <> 'failed' or reason is not null),
  add constraint scorecards_completed_check check ((status = 'pending') = (completed_at is null)),
  add constraint scorecards_usage_check check (
    coalesce(input_tokens, 0) >= 0 and coalesce(output_tokens, 0) >= 0 and coalesce(cost_usd, 0) >= 0
    and coalesce(duration_ms, 0) >= 0 and coalesce(samples, 1) >= 1
  );

-- The session's end enqueues grading at most once, whichever of the agent's completion and LiveKit's
-- room_finished comes first (both may arrive).
create unique index scorecards_session_end_once_idx on public.scorecards using btree (session_id)
  where trigger = 'session_end';
-- The grading lag gauge reads the oldest pending version.
create index scorecards_pending_created_idx on public.scorecards using btree (created_at) where status = 'pending';
