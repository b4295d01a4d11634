-- The starter code the candidate was given, recorded when the interview starts: {language: code} as the question's
-- `starter_codes` held it then. The grader reads it (api/db/bundle_repo.py) to tell the code the candidate was given
-- from the code they wrote; read from the bank at grading time, a bank re-imported between the interview and its
-- grading made the old starter, still in every snapshot, count as the candidate's work (credit with nothing of
-- theirs), and the new one (never in their editor) as given. Recorded by a trigger, so that every way a session
-- starts (the candidate's start, the agent's, a completion of a session never started, a row inserted running)
-- records it once, in the same statement. Null for a session started before this migration: the grader then reads
-- the bank's current starter, as before.
alter table public.sessions add column if not exists starter_code jsonb null;

create or replace function public.record_session_starter_code() returns trigger
language plpgsql as $$
begin
  if new.started_at is not null and new.starter_code is null
     and (tg_op = 'INSERT' or old.started_at is null) then
    new.starter_code := coalesce(
      (select jsonb_object_agg(s.language, s.code) from public.starter_codes s where s.question_id = new.question_id),
      '{}'::jsonb
    );
  end if;
  return new;
end;
$$;

create trigger sessions_record_starter_code before insert or update of started_at on public.sessions
  for each row execute function public.record_session_starter_code();
