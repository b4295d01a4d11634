-- Agent redispatches: when LiveKit reports the interviewer leaving a running interview while the candidate is still
-- in the room, the API dispatches it again (api/redispatch.py). `agent_redispatches` counts every redispatch of a
-- session against one bound (SHADOWS_API_AGENT_REDISPATCH_LIMIT), whichever path asked for it: this webhook path
-- and the candidate page's "call the interviewer again" (20261205000000_candidate_page.sql adds the same column;
-- `if not exists` lets either migration come first on a fresh database).

alter table public.sessions
  add column if not exists agent_redispatches integer not null default 0;
