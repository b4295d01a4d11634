-- Sending a call back to the ATS again (`POST /v1/sessions/{id}/ats-callbacks/{callback_id}/send-again`) queues a
-- new call. `resend_of` names the call that was first queued (the first of a chain of calls sent again, so sending
-- again a call that was itself sent again names the same one). At most one of a call's resends is pending at a time,
-- whichever API replica took the request: a second send-again, concurrent or repeated while the first is pending,
-- inserts nothing and is answered 409 `ats_callback_pending`. Calls the outbox queues (a status change, a scorecard,
-- a revoked or dying profile link) have no `resend_of` and are never held back by it.
alter table public.ats_callbacks
  add column resend_of uuid null references public.ats_callbacks (id) on delete cascade;

create unique index ats_callbacks_one_pending_resend_idx on public.ats_callbacks using btree (resend_of)
  where status = 'pending';
