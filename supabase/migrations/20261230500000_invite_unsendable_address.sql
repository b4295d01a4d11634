-- Why an ATS-created session's invite e-mail was not queued (ats_assessments.invite_withheld), a second reason:
-- `unsendable_address`, an address whose part before the @ has no ASCII form (josé@example.com). It is a valid
-- address, so the ATS's start is taken, but no mail server without SMTPUTF8 takes it, and before this the invite
-- job only logged it: neither recruiter was told (Greenhouse's test_status said null, Ashby got no update). It is
-- now known when the session is scheduled: no e-mail is queued (nor counted against the invite limit), Greenhouse's
-- test_status shows it beside the join link and Ashby gets the same `invite_withheld` update as `rate_limited`.
alter table public.ats_assessments drop constraint ats_assessments_invite_withheld_check;
alter table public.ats_assessments add constraint ats_assessments_invite_withheld_check
  check (invite_withheld is null or invite_withheld in ('rate_limited', 'unsendable_address'));
