-- One more reason an ATS-created session's invite e-mail did not go (ats_assessments.invite_withheld):
-- `email_not_configured`, no mail server is set up (SHADOWS_API_SMTP_URL unset), so no invite is e-mailed at all.
-- Before this the record said null, as for an invite queued: Greenhouse's test_status showed the join link with no
-- word that nobody had sent it, and Ashby, which reads nothing of ours, got no update at all, so its recruiter had
-- neither the link nor the news. It is now recorded when the session is scheduled, shown in test_status and
-- reported to Ashby (an `assessment.update` with the join link) like the other reasons.
alter table public.ats_assessments drop constraint ats_assessments_invite_withheld_check;
alter table public.ats_assessments add constraint ats_assessments_invite_withheld_check
  check (
    invite_withheld is null
    or invite_withheld in (
      'rate_limited', 'unsendable_address', 'address_refused', 'email_failed', 'email_not_configured'
    )
  );
