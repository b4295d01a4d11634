-- One interviewer per interview (api/db/interviewers_repo.py). LiveKit admits any number of agent participants to a
-- room, so two agent jobs could run one session (a dispatch racing the first job's arrival, a redispatch after a
-- webhook) and both write transcripts, hints and an ending into its one record. The job that starts the session
-- (`POST /v1/internal/sessions/{id}/start` with its LiveKit job id) holds it: `job_id` until `lease_until`, which
-- its heartbeats and event posts renew. Another job's start is refused while the lease is live, and its events
-- always. `released_at` is set when LiveKit reports the holder leaving the room or the holder completes the
-- session: the lease ends at once (the next job may claim) and is never renewed again, while the holder's own last
-- events (its flush after leaving the room) are still its own.

create table public.session_interviewers (
  session_id text primary key references public.sessions (id) on delete cascade,
  job_id text not null,
  lease_until timestamp with time zone not null,
  released_at timestamp with time zone null,
  claimed_at timestamp with time zone not null default now()
);

alter table public.session_interviewers enable row level security;
