-- The newest Submit keeps its whole report past the run report budget (SHADOWS_API_RUN_REPORT_BUDGET_BYTES,
-- docs/data-model.md), as it keeps its code past the code budget (`code_over_budget`): the grader grades the final
-- answer by what its failed visible tests returned and printed, and the candidate's reload shows it. The row so
-- kept is marked; it is not counted against the budget, and when a newer Submit comes past the budget the older
-- one is stored again without those values (`values_omitted`), so at most one report is held beyond the budget.
-- `if not exists`: for a while this column was added by an edit of 20270107093000_run_report_budget.sql, and a
-- database migrated then has it already; one migrated before that edit has that version without the column.
alter table public.submissions add column if not exists report_over_budget boolean not null default false;
