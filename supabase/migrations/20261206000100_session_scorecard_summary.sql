-- Each session carries a summary of its scorecard versions, kept by a trigger on `scorecards`, so that history
-- filters, sorting, export and analytics read one row per session instead of joining its versions:
--   latest_scorecard_version / latest_scorecard_status: the newest version, whatever its status;
--   ready_scorecard_version and, from that version: recommendation, overall_score, needs_human_review and
--   dimension_scores ({"problem_solving": 3, ...}).
-- A re-grade that fails or is still pending leaves the last ready figures in place.

alter table public.sessions
  add column latest_scorecard_version integer null,
  add column latest_scorecard_status text null,
  add column ready_scorecard_version integer null,
  add column recommendation text null,
  add column overall_score numeric(4, 2) null,
  add column needs_human_review boolean not null default false,
  add column dimension_scores jsonb null;

create or replace function public.sessions_track_scorecard() returns trigger
language plpgsql as $$
begin
  update public.sessions s
  set latest_scorecard_version = new.version, latest_scorecard_status = new.status
  where s.id = new.session_id
    and (s.latest_scorecard_version is null or s.latest_scorecard_version <= new.version);
  if new.status = 'ready' then
    update public.sessions s
    set ready_scorecard_version = new.version,
        recommendation = new.recommendation,
        overall_score = new.overall_score,
        needs_human_review = new.needs_human_review,
        dimension_scores = (
          select jsonb_object_agg(d.key, (d.value->>'score')::int)
          from jsonb_each(coalesce(new.scorecard->'dimensions', '{}'::jsonb)) d
          where jsonb_typeof(d.value->'score') = 'number'
        )
    where s.id = new.session_id
      and (s.ready_scorecard_version is null or s.ready_scorecard_version <= new.version);
  end if;
  return null;
end;
$$;

create trigger scorecards_track_session after insert or update of status on public.scorecards
  for each row execute function public.sessions_track_scorecard();

-- Sessions graded before this migration.
update public.sessions s
set latest_scorecard_version = l.version, latest_scorecard_status = l.status
from (
  select distinct on (session_id) session_id, version, status from public.scorecards
  order by session_id, version desc
) l
where l.session_id = s.id;

update public.sessions s
set ready_scorecard_version = r.version,
    recommendation = r.recommendation,
    overall_score = r.overall_score,
    needs_human_review = r.needs_human_review,
    dimension_scores = (
      select jsonb_object_agg(d.key, (d.value->>'score')::int)
      from jsonb_each(coalesce(r.scorecard->'dimensions', '{}'::jsonb)) d
      where jsonb_typeof(d.value->'score') = 'number'
    )
from (
  select distinct on (session_id) session_id, version, recommendation, overall_score, needs_human_review, scorecard
  from public.scorecards where status = 'ready'
  order by session_id, version desc
) r
where r.session_id = s.id;

alter table public.sessions
  add constraint sessions_recommendation_check check (
    recommendation = any (array['strong_no_hire', 'no_hire', 'hire', 'strong_hire'])
  ),
  add constraint sessions_latest_scorecard_status_check check (
    latest_scorecard_status = any (array['pending', 'ready', 'failed'])
  );

-- History: keyset pagination per organisation in each sort order, and the selective filters.
create index sessions_org_score_desc_idx on public.sessions
  using btree (organization_id, (coalesce(overall_score, 0)) desc, created_at desc, id desc);
create index sessions_org_score_asc_idx on public.sessions
  using btree (organization_id, (coalesce(overall_score, 5)), created_at, id);
create index sessions_org_recommendation_idx on public.sessions
  using btree (organization_id, recommendation, created_at desc, id desc) where recommendation is not null;
create index sessions_org_recommendation_score_idx on public.sessions
  using btree (organization_id, recommendation, (coalesce(overall_score, 0)) desc, created_at desc, id desc)
  where recommendation is not null;
create index sessions_org_question_idx on public.sessions
  using btree (organization_id, question_id, created_at desc, id desc);
