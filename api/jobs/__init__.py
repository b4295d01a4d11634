"""Background jobs on the Postgres queue (procrastinate), run by `shadows worker`.

Layout, one module per concept:
- `queue.py`: the procrastinate `App` (the only one) and the list of task modules the worker imports;
- `enqueue.py`: `enqueue(conn, task, ...)` defers a job inside the caller's own transaction;
- `retry.py`: `JobRetryPolicy`, the retry strategy of our tasks (retryable errors back off; a job released by a
  stopping worker runs again at once);
- `db_clock.py`: the database's clock as the worker reads it, which times retries (procrastinate runs a job by it);
- `resources.py`: what a running task may use (`resources(context)`: settings, the API's pool, the judge);
- `worker.py`: the worker loop behind `shadows worker` (signals, grace, stalled-job recovery at start-up);
- `lanes.py`: which queues share which slots (deliveries to customers' receivers apart from grading);
- `maintenance.py`: periodic housekeeping (requeue jobs of dead workers, drop old finished jobs);
- `metrics.py`: queue depth and lag for the API's `/metrics`; `logs.py`: procrastinate's logs, without arguments;
- task modules, one per concept: `grading.py` (`grade_session`); later `webhooks.py`, `retention.py`.

A task module's conventions:
- `@queue.task(name="<stable_name>", queue="<concept>", pass_context=True, retry=JobRetryPolicy(...))`. The name is
  stored with queued jobs: renaming it orphans them.
- Arguments are ids and small values only, never personal data, code or transcripts: procrastinate stores them in
  `procrastinate_jobs.args` and they identify the job in logs.
- The body reaches Postgres only through `resources(context).pool` and the repos in `api/db/`.
- Every job is idempotent: it may run more than once (a retry, a worker killed mid-job, a stalled worker that
  finishes after all). Make the first write an upsert keyed on the request, and make later writes conditional.
- Enqueue in the transaction of the change that causes the job (`enqueue(conn, task, ...)`), so that a rollback
  drops the job and a crash after the commit cannot lose it.
- Add the module to `TASK_MODULES` in `queue.py`.
"""
