-- Run reports stored before `submissions.result_bytes` (20270107093000_run_report_budget.sql) have it null, and the
-- readers counted them by `pg_column_size`: their size on disk, compressed. What a program returned and printed
-- compresses well (a report of 1.3 MB of repeated output takes 15 KB there), so such a row was priced at about a
-- hundredth of what the session's detail and `GET .../results` read out and the run report budget is meant to hold.
-- Each is given its size as PostgreSQL gives it back (`result_json::text`, what api/stored_json.py `stored_bytes`
-- counts for a new row), each report read once here rather than at every count.
update public.submissions set result_bytes = octet_length(result_json::text)
 where result_bytes is null and result_json is not null;
