-- Other names a candidate is known by (Greenhouse's legal first name behind a preferred one), kept only so that
-- the grader scrubs them too: the candidate may write or say either. Never shown, never sent out; erased with the
-- candidate.
alter table public.candidates add column if not exists other_names text[] not null default '{}';
