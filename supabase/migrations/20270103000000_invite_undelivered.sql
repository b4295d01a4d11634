-- Two more reasons an ATS-created session's invite e-mail did not reach the candidate
-- (ats_assessments.invite_withheld), found after the e-mail was queued rather than when the session was scheduled:
-- `address_refused`, the mail server refused the candidate's address for good (550 user unknown, 553), and
-- `email_failed`, the e-mail job's last attempt could not hand the e-mail to the mail server. Before this both were
-- only logged (or only failed the job): Greenhouse's test_status said null and Ashby got no update, so recruiters
-- read an invite as sent that the candidate never got. They are now recorded, shown in test_status beside the join
-- link, and reported to Ashby like the other reasons.
alter table public.ats_assessments drop constraint ats_assessments_invite_withheld_check;
alter table public.ats_assessments add constraint ats_assessments_invite_withheld_check
  check (
    invite_withheld is null
    or invite_withheld in ('rate_limited', 'unsendable_address', 'address_refused', 'email_failed')
  );
