-- The grading model's stored usage by model (shadows_grading_llm_tokens, shadows_grading_llm_cost_usd), kept as
-- totals rather than summed over every scorecard at each `/metrics` scrape (a sequential scan of the table, its
-- largest rows among them). A trigger on `scorecards` appends each change of a version's usage to
-- `grading_usage_changes` (insert-only: concurrent gradings and erasures never wait on each other for it); a scrape
-- moves the changes into `grading_usage` (api/ops_metrics.py) and reads the totals plus the changes not yet moved,
-- which equal the sums over `scorecards` at every moment.

create table public.grading_usage (
  model text primary key,
  scorecards bigint not null,
  input_tokens bigint not null,
  output_tokens bigint not null,
  cost_usd numeric not null
);

create table public.grading_usage_changes (
  id bigint generated always as identity primary key,
  model text not null,
  scorecards integer not null,
  input_tokens bigint not null,
  output_tokens bigint not null,
  cost_usd numeric not null
);

alter table public.grading_usage enable row level security;
alter table public.grading_usage_changes enable row level security;

create function public.grading_usage_record() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE' and (old.model, old.input_tokens, old.output_tokens, old.cost_usd)
      is not distinct from (new.model, new.input_tokens, new.output_tokens, new.cost_usd) then
    return null;
  end if;
  if tg_op in ('UPDATE', 'DELETE') and old.model is not null then
    insert into public.grading_usage_changes (model, scorecards, input_tokens, output_tokens, cost_usd)
    values (old.model, -1, -coalesce(old.input_tokens, 0), -coalesce(old.output_tokens, 0), -coalesce(old.cost_usd, 0));
  end if;
  if tg_op in ('INSERT', 'UPDATE') and new.model is not null then
    insert into public.grading_usage_changes (model, scorecards, input_tokens, output_tokens, cost_usd)
    values (new.model, 1, coalesce(new.input_tokens, 0), coalesce(new.output_tokens, 0), coalesce(new.cost_usd, 0));
  end if;
  return null;
end $$;

-- Created before the totals are read: its lock holds back writes to `scorecards` until this transaction commits,
-- so no change falls between the two.
create trigger scorecards_grading_usage
  after insert or delete or update of model, input_tokens, output_tokens, cost_usd on public.scorecards
  for each row execute function public.grading_usage_record();

insert into public.grading_usage (model, scorecards, input_tokens, output_tokens, cost_usd)
select model, count(*), coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0), coalesce(sum(cost_usd), 0)
from public.scorecards where model is not null group by model;

-- As every function of ours: not callable by PUBLIC or Supabase's API roles.
do $$
declare
  api_role text;
begin
  revoke execute on function public.grading_usage_record() from public;
  foreach api_role in array array['anon', 'authenticated'] loop
    if exists (select 1 from pg_roles where rolname = api_role) then
      execute format('revoke execute on function public.grading_usage_record() from %I', api_role);
    end if;
  end loop;
end;
$$;
