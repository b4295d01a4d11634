-- One run in flight per session and caller (the candidate, the agent). The API takes a lease on the short
-- connection that authenticates the run, releases every database connection while the judge runs, and drops the
-- lease in the transaction that stores the result. A lease that outlives its `expires_at` (an API process died
-- mid-run) no longer blocks the session.

create table public.session_run_leases (
  session_id text not null references public.sessions (id) on delete cascade,
  caller text not null check (caller in ('candidate', 'agent')),
  token uuid not null,
  expires_at timestamp with time zone not null,
  created_at timestamp with time zone not null default now(),
  constraint session_run_leases_pkey primary key (session_id, caller)
);

alter table public.session_run_leases enable row level security;
