-- The checks 20270130090000 added `not valid`, validated in a transaction of their own (SHARE UPDATE EXCLUSIVE: the
-- table's reads and writes go on while it is read).
alter table public.session_idempotency_keys validate constraint session_idempotency_keys_key_hmac_check;
alter table public.session_idempotency_keys validate constraint session_idempotency_keys_one_name_check;
