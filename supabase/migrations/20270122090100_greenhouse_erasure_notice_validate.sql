-- The check added by 20270122090000_greenhouse_erasure_notice.sql, validated apart (a scan that blocks no writes).
alter table public.ats_callbacks validate constraint ats_callbacks_callback_url_check;
