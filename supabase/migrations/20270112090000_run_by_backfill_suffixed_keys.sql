-- Gives `submissions.run_by` to the runs 20270111090100 could not: those stored from 2026-11-21 to 11-30, whose
-- event was keyed `api:<kind>:<submission id>:<8 hex>` (its exact-key join missed them). Each run still without it
-- is looked up in its own session's run events alone (the (session_id, type, seq) index, a nested loop by
-- construction), by the submission id the event's payload names: no pass over every event, whatever the key.
-- A run without such an event (or with a `by` the column does not take) stays null: not known.
update public.submissions s
   set run_by = found.run_by
  from (
    select r.id, ev.run_by
      from public.submissions r
     cross join lateral (
       select e.payload ->> 'by' as run_by
         from public.session_events e
        where e.session_id = r.session_id
          and e.type = case r.kind when 'run' then 'test_run' else 'submission' end
          and e.payload ->> 'submission_id' = r.id::text
          and e.payload ->> 'by' in ('candidate', 'agent', 'grader')
        order by e.seq
        limit 1
     ) ev
     where r.run_by is null
  ) found
 where s.id = found.id;
