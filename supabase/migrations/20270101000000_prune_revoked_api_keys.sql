-- The hourly retention job prunes an organisation's revoked API keys 30 days after their revocation, once no share
-- link minted with the key is left (api/jobs/pruning.py); issuing keys is limited per organisation
-- (SHADOWS_API_API_KEY_ISSUE_RATE_LIMIT). The share links' and legal holds' references to a key are `on delete set
-- null` already (a legal hold keeps the key's prefix). This index lets the prune find the spent rows.
create index api_keys_revoked_idx on public.api_keys using btree (revoked_at) where revoked_at is not null;
