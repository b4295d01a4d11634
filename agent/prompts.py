"""The interviewer's prompts (`prompts/*.md`) and exactly the variables each is rendered with."""

from __future__ import annotations

from prompts import PROMPTS_DIR, PromptError, PromptSet, placeholders

__all__ = ["PROMPTS", "PROMPTS_DIR", "PromptError", "placeholders", "render", "validate_all"]

# Every prompt the agent uses and exactly the variables it must be rendered with.
PROMPTS: dict[str, frozenset[str]] = {
    "base": frozenset(
        {
            "duration_minutes",
            "candidate_name",
            "session_kind",
            "language_rule",
            "question_title",
            "difficulty",
            "language",
            "signature",
            "statement",
        }
    ),
    "session_hiring": frozenset(),
    "session_practice": frozenset(),
    "language_rule": frozenset({"language_name"}),
    "greeting": frozenset(
        {"candidate_name", "recording_notice", "duration_minutes", "editor_clause", "background"}
    ),
    "background": frozenset(),
    "background_data": frozenset({"resume", "job_description"}),
    "background_left_out": frozenset(),
    "asked_speak_slowly": frozenset(),
    "asked_time_to_answer": frozenset(),
    "asked_repeat_or_rephrase": frozenset(),
    "asked_name": frozenset(),
    "asked_name_data": frozenset({"name"}),
    "asked_too_long": frozenset(),
    "no_background": frozenset(),
    "notice_recorded": frozenset(),
    "notice_practice": frozenset(),
    "notice_unrecorded": frozenset(),
    "problem": frozenset(),
    "approach": frozenset(),
    "coding": frozenset(),
    "testing": frozenset(),
    "complexity": frozenset(),
    "wrap_up": frozenset({"next_steps"}),
    "next_steps_hiring": frozenset(),
    "next_steps_practice": frozenset(),
    "next_steps_unrecorded": frozenset(),
    "rubric": frozenset({"items"}),
    "resumed": frozenset({"phase"}),
    "resumed_end_question": frozenset(),
    "phase_start": frozenset({"phase"}),
    "phase_refused": frozenset({"phase"}),
    "turn_context": frozenset({"phase", "time_left", "hints_given", "hints_total", "editor_status"}),
    "editor_connected": frozenset(),
    "editor_missing": frozenset(),
    "code_view": frozenset({"language", "version", "seconds_since_edit", "view"}),
    "time_warning": frozenset({"minutes"}),
    "time_up": frozenset(),
    "checkin_1": frozenset({"minutes", "avoid"}),
    "checkin_2": frozenset({"minutes", "avoid"}),
    "checkin_avoid": frozenset(),
    "checkin_fallback_en": frozenset(),
    "checkin_fallback_es": frozenset(),
    "ai_notice_en": frozenset(),
    "ai_notice_es": frozenset(),
    "notes_withheld_en": frozenset(),
    "notes_withheld_es": frozenset(),
    "notes_withheld_say": frozenset({"line"}),
    "interviewer_outcome_withheld_why_hiring_en": frozenset(),
    "interviewer_outcome_withheld_why_hiring_es": frozenset(),
    "interviewer_outcome_withheld_why_practice_en": frozenset(),
    "interviewer_outcome_withheld_why_practice_es": frozenset(),
    "interviewer_outcome_withheld_why_unrecorded_en": frozenset(),
    "interviewer_outcome_withheld_why_unrecorded_es": frozenset(),
    "withheld_then_greeting_en": frozenset(),
    "withheld_then_greeting_es": frozenset(),
    "withheld_then_problem_en": frozenset(),
    "withheld_then_problem_es": frozenset(),
    "withheld_then_approach_en": frozenset(),
    "withheld_then_approach_es": frozenset(),
    "withheld_then_work_en": frozenset(),
    "withheld_then_work_es": frozenset(),
    "withheld_then_wrap_up_en": frozenset(),
    "withheld_then_wrap_up_es": frozenset(),
    "withheld_then_end_en": frozenset(),
    "withheld_then_end_es": frozenset(),
    "no_show_ping": frozenset(),
    "no_show_mic": frozenset(),
    "quiet_checkin": frozenset({"minutes", "avoid"}),
    "no_show_end": frozenset(),
    "end_confirm": frozenset({"time_left"}),
    "end_refused": frozenset(),
    "goodbye": frozenset({"reason"}),
    "paste_note": frozenset({"minute", "chars", "lines"}),
    "turn_classifier": frozenset(),
    "turn_classifier_input": frozenset({"conversation", "latest"}),
    "intent_classifier": frozenset({"question"}),
    "language_ask": frozenset({"heard", "language"}),
}


_PROMPTS = PromptSet(PROMPTS)
render = _PROMPTS.render
validate_all = _PROMPTS.validate_all
