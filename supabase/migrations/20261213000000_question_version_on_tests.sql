-- A question's `updated_at` is its version: the API caches a question's tests for the judge, and its public view
-- for candidates and the agent, by (id, updated_at) (api/question_cache.py). A bank import rewrites the question row
-- and so bumps it; these triggers bump it for any other write to the question's tests or starter code too (a fix
-- made in SQL, say), so that no API process judges against tests that have changed under the same version.
create or replace function public.touch_question_of_row() returns trigger
language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    update public.questions set updated_at = now() where id = new.question_id;
  elsif tg_op = 'DELETE' then
    update public.questions set updated_at = now() where id = old.question_id;
  else
    update public.questions set updated_at = now() where id in (old.question_id, new.question_id);
  end if;
  return null;
end;
$$;

create trigger test_cases_touch_question after insert or update or delete on public.test_cases
  for each row execute function public.touch_question_of_row();
create trigger starter_codes_touch_question after insert or update or delete on public.starter_codes
  for each row execute function public.touch_question_of_row();
