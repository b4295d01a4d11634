-- The hourly retention job prunes rows that serve nothing any more (api/jobs/pruning.py): LiveKit's webhook dedup
-- after 7 days, share links a day after their expiry, integration keys 30 days after their revocation, ATS
-- response errors after 30 days. These indexes let each prune find its spent rows without reading the whole table.
create index livekit_webhook_events_received_idx on public.livekit_webhook_events using btree (received_at);
create index share_links_expires_idx on public.share_links using btree (expires_at);
create index integration_keys_revoked_idx on public.integration_keys using btree (revoked_at)
  where revoked_at is not null;
create index ats_response_errors_received_idx on public.ats_response_errors using btree (received_at);
