-- What the ATS said about a call back to it: `last_response`, a short excerpt of the last attempt's answer, read
-- from Ashby's error fields only (`errorInfo.code` and `errorInfo.message`, a top-level `message`, `errors`), with
-- links and the keys sent left out, on one line, at most 500 characters. Null when the answer said nothing of the
-- kind, and cleared by an attempt that delivers. Before, a refused update showed only `rejected`: the reason Ashby
-- gave was read and dropped, and neither the recruiter nor the operator could tell what to fix.
alter table public.ats_callbacks
  add column last_response text null check (last_response is null or length(last_response) <= 500);
