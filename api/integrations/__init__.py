"""Assessment partner integrations: Greenhouse and Ashby call us, we call them back. Contract: docs/integrations.md.

- `keys.py`: the keys we issue per organisation and ATS, and HTTP Basic authentication with them;
- `assessments.py`: the tests we offer, scheduling an ATS's session, how its state reads to the ATS;
- `greenhouse.py`, `ashby.py`: the partner routes, in each vendor's own shapes (`ats_numbers.py`: one text for one
  JSON number, where either ATS sends a number for a field read as text);
- `callbacks.py`: the `deliver_ats_callback` job (Greenhouse's PATCH, Ashby's assessment.update), with
  `ashby_updates.py` building Ashby's typed fields, `ashby_answers.py` reading its answers and `ats_answers.py`
  keeping what an ATS said about a call (a bounded, secret-free excerpt);
- `invites.py`: the invite e-mail job, `smtp_url.py` the one rule for its mail server settings (start-up and send);
  `profile_links.py`: the report links handed to ATSs.
"""
