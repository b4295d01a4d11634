-- What each session gave as its candidate's name: {name, e-mail (null when none), the other names it brought (a
-- Greenhouse first name behind a preferred one)}. A candidate's row is shared by every session naming the same ATS
-- external id, and holds the newest session's name and address, the ones they replaced in `other_names`: erasing one
-- session (api/db/artifacts_repo.py) takes off that row what that session alone gave, and no more, and gives the
-- row back the newest remaining session's name and address when they were the erased session's. Only for that;
-- never shown, never sent out; erased with its session. Null for a session scheduled before this migration (what it
-- gave is unknown): erasing it, or another session of a candidate who has one, leaves the row as it is.
alter table public.sessions add column if not exists candidate_names text[] null;
