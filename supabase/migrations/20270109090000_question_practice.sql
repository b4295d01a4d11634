-- Which questions self-serve practice (POST /v1/practice, and the agent's org-less practice job) may offer: the bank's
-- `practice: true` (judge/bank.py, stored by api/db/questions_repo.py upsert_bank). Practice draws only among these
-- and an organisation's session only among the others (unless it names a question by id): anyone may start a
-- practice session and, resubmitting, probe its hidden tests, so a practice question is never a real screen's draw.
-- False for every existing row until the bank is imported again.
alter table public.questions add column if not exists practice boolean not null default false;
