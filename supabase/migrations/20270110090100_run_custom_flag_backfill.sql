-- Runs stored before `submissions.custom` (20270110090000_run_custom_flag.sql) are given it from their reports,
-- each report read once here rather than at every read of the latest results.
update public.submissions set custom = coalesce(result_json ->> 'custom', '') = 'true'
 where custom is null and result_json is not null;
