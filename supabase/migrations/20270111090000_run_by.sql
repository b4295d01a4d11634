-- Who asked for each run (`candidate`, `agent`: the interviewer's `run_tests` or Submit, `grader`: the grading job's
-- final Submit), on its row, so that `GET /v1/sessions/{id}/results` says whose each latest report is and the page
-- never shows the interviewer's run as the candidate's own (api/db/runs_repo.py). Before, it was only in the run's
-- event (`payload.by`). Null: not known (a row stored by a replica from before the column, or one whose event is
-- gone); readers then say nothing of who ran it.
alter table public.submissions add column if not exists run_by text
  constraint submissions_run_by_check check (run_by in ('candidate', 'agent', 'grader'));
