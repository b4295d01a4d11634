-- The spoken language of an interview (the agent's STT, prompts and turn detection follow it). English by default;
-- the set grows with the languages the interviewer supports end to end.
alter table public.sessions add column if not exists interview_language text not null default 'en';
alter table public.sessions
  add constraint sessions_interview_language_check check (interview_language = any (array['en', 'es']));
