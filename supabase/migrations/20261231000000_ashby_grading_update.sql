-- An Ashby assessment whose interview has ended is reported with an `assessment.update` of its own (kind
-- `grading`): the status says the interview is over and being graded, as Greenhouse's test_status says `grading`
-- in that window. Before this, Ashby kept showing "Started" until the result was sent, which can take minutes (or
-- longer when grading fails and is retried). Queued by api.jobs.grading.request_grading in the transaction that
-- ended the session and added its first scorecard version (so only a session with something to grade), through
-- outbox_emit_ats_callback like every other call: the same lock `ats:<session>`, signing and retries. Built when
-- sent (api.integrations.callbacks): once the result is there, a late one says the result instead.
alter table public.ats_callbacks drop constraint ats_callbacks_kind_check;
alter table public.ats_callbacks add constraint ats_callbacks_kind_check
  check (kind = any (array['completed', 'started', 'result', 'cancelled', 'invite_withheld', 'expired', 'grading']));
