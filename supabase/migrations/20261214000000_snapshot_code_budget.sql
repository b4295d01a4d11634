-- Bytes (UTF-8) of editor code stored in a session's `editor_snapshot` events so far. The API adds to it in the
-- transaction that stores the snapshots, under the session row lock every append takes (api/db/events_repo.py),
-- and stores a snapshot's code only while the total stays within SHADOWS_API_SNAPSHOT_CODE_BUDGET_BYTES; past it
-- the snapshot is kept without its code and marked `code_omitted` (docs/data-model.md). Existing sessions start at
-- 0: what they stored before this column is not counted.
alter table public.sessions add column snapshot_code_bytes bigint not null default 0;
