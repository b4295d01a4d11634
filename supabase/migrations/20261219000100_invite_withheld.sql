-- Why an ATS-created session's invite e-mail was not queued: `rate_limited` when its organisation had passed
-- SHADOWS_API_INVITE_EMAIL_RATE_LIMIT (api/org_limits.py). The session is scheduled all the same; Greenhouse's
-- test_status shows it (`invite_email`) beside the join link. Null: the e-mail was queued (or SMTP is off).
alter table public.ats_assessments
  add column invite_withheld text null check (invite_withheld is null or invite_withheld = 'rate_limited');
