-- The session event log's types become rows of a lookup table instead of a check constraint, so that a later
-- migration adds a type with one insert (`insert into public.session_event_types ... on conflict do nothing`)
-- rather than by dropping and recreating a constraint that several migrations would otherwise all rewrite.

create table public.session_event_types (
  type text primary key check (type ~ '^[a-z][a-z0-9_]{0,39}$'),
  description text not null
);

insert into public.session_event_types (type, description) values
  ('transcript', 'one finished utterance of the candidate or the interviewer'),
  ('editor_snapshot', 'the candidate''s code at a moment'),
  ('tool_call', 'a tool the interviewer called, with its result'),
  ('test_run', 'a Run of the visible tests, by the candidate or the agent'),
  ('submission', 'a Submit against every test'),
  ('hint', 'a hint the interviewer gave'),
  ('phase_change', 'the interview moved to another phase'),
  ('turn_metrics', 'latency figures of one interviewer turn'),
  ('model_usage', 'tokens used by a model'),
  ('time_warning', 'the interviewer told the candidate how much time is left'),
  ('note', 'a free-form note of the agent'),
  ('integrity', 'an observation of the candidate page (paste, focus loss, fast insertion); never a verdict'),
  ('consent', 'the candidate agreed to the notice (its version and time)'),
  ('accommodation_request', 'the candidate asked for an accommodation or a human interview');

alter table public.session_events drop constraint session_events_type_check;
alter table public.session_events
  add constraint session_events_type_fkey foreign key (type) references public.session_event_types (type);

alter table public.session_event_types enable row level security;
