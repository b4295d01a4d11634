-- An Ashby assessment whose invite e-mail was withheld (ats_assessments.invite_withheld, past the organisation's
-- SHADOWS_API_INVITE_EMAIL_RATE_LIMIT) is reported to Ashby with an `assessment.update` of its own (kind
-- `invite_withheld`): the status says the invite was not e-mailed and carries the join link for the recruiter to
-- send, as Greenhouse's test_status does. Queued with the session, in the same transaction, ahead of its other calls.
alter table public.ats_callbacks drop constraint ats_callbacks_kind_check;
alter table public.ats_callbacks add constraint ats_callbacks_kind_check
  check (kind = any (array['completed', 'started', 'result', 'cancelled', 'invite_withheld']));
