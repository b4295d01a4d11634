"""STT, LLM, TTS, turn handling and the AgentSession built from settings (plugin objects only)."""

from __future__ import annotations

from typing import Any

from livekit.agents import AgentSession, TurnHandlingOptions, inference, llm, stt, tts, vad
from livekit.plugins import deepgram, openai  # plugins register on import, which must be the main thread

from agent.errors import AgentError
from agent.realtime import PreparedRealtimeModel
from agent.settings import AgentSettings

# Never pass "provider/model" strings anywhere: they resolve to LiveKit Cloud's inference gateway.
DEFAULT_STT_MODELS = {"deepgram": "nova-3", "openai": "gpt-4o-mini-transcribe"}
DEFAULT_TTS_MODELS = {"openai": "gpt-4o-mini-tts", "deepgram": "aura-2-andromeda-en"}


class ProviderConfigError(AgentError):
    """A provider is selected whose API key is not configured."""


def _key(settings: AgentSettings, name: str) -> str:
    secret = settings.openai_api_key if name == "OPENAI_API_KEY" else settings.deepgram_api_key
    if secret is None:
        raise ProviderConfigError(f"{name} is not set")
    return secret.get_secret_value()


def build_stt(settings: AgentSettings, language: str = "en") -> stt.STT[Any]:
    """STT in the interview's language; the turn detector (v1-mini, multilingual) reads the language the STT
    reports, so it follows too."""
    model = settings.stt_model or DEFAULT_STT_MODELS[settings.stt_provider]
    if settings.stt_provider == "deepgram":
        return deepgram.STT(
            model=model,
            language=language,
            smart_format=True,
            punctuate=True,
            api_key=_key(settings, "DEEPGRAM_API_KEY"),
        )
    return openai.STT(model=model, language=language, api_key=_key(settings, "OPENAI_API_KEY"))


def build_realtime(settings: AgentSettings) -> llm.RealtimeModel:
    """The OpenAI realtime model with its automatic responses off: the server does not answer every turn.
    Turns are detected locally (VAD + turn detector) and decided in ``on_user_turn_completed``; the STT gives
    the transcript that decision reads (no server transcription, so the STT's is the one used)."""
    from openai.types.realtime.realtime_audio_input_turn_detection import ServerVad

    model = openai.realtime.RealtimeModel(
        model=settings.realtime_model,
        api_key=_key(settings, "OPENAI_API_KEY"),
        turn_detection=ServerVad(type="server_vad", create_response=False, interrupt_response=False),
        input_audio_transcription=None,
    )
    return PreparedRealtimeModel(model)  # every reply bounded and given the status and code (agent.realtime)


def _text_llm(settings: AgentSettings, model: str) -> llm.LLM[Any]:
    kwargs: dict[str, Any] = {}
    if settings.llm_base_url:
        kwargs["base_url"] = settings.llm_base_url
    if settings.llm_temperature is not None:
        kwargs["temperature"] = settings.llm_temperature
    return openai.LLM(model=model, api_key=_key(settings, "OPENAI_API_KEY"), **kwargs)


def build_llm(settings: AgentSettings) -> llm.LLM[Any] | llm.RealtimeModel:
    if settings.realtime:
        return build_realtime(settings)
    return _text_llm(settings, settings.llm_model)


def build_classifier(settings: AgentSettings) -> llm.LLM[Any]:
    """The small model of the coding-phase turn decision (agent.turns), same provider as the LLM."""
    return _text_llm(settings, settings.turn_classifier_model)


def build_tts(settings: AgentSettings) -> tts.TTS[Any]:
    model = settings.tts_model or DEFAULT_TTS_MODELS[settings.tts_provider]
    if settings.tts_provider == "deepgram":
        return deepgram.TTS(model=model, api_key=_key(settings, "DEEPGRAM_API_KEY"))
    return openai.TTS(model=model, voice=settings.tts_voice, api_key=_key(settings, "OPENAI_API_KEY"))


# The rate RoomIO hands the session the candidate's audio at (`AudioInputOptions.sample_rate`; livekit's default is
# 24 kHz). The Silero VAD and the local turn detector infer at 16 kHz, and Deepgram's STT streams 16 kHz: each of
# them resamples every frame whose rate differs, in Python, through an FFI call per frame. Delivering 16 kHz (WebRTC
# decodes and resamples natively anyway) removes those resamplers. OpenAI's STT and realtime model take 24 kHz and
# resample this instead: one resampler where 24 kHz would need two (VAD and turn detector).
CANDIDATE_AUDIO_RATE = 16_000


def turn_handling(settings: AgentSettings) -> TurnHandlingOptions:
    """Local turn detector (never the cloud one, even in dev mode) and plain VAD interruptions."""
    return TurnHandlingOptions(
        turn_detection=inference.TurnDetector(version="v1-mini"),
        interruption={"mode": "vad", "min_duration": settings.interruption_min_s},
        endpointing={
            "min_delay": settings.min_endpointing_delay_s,
            "max_delay": settings.max_endpointing_delay_s,
        },
    )


def build_session(
    settings: AgentSettings, *, vad_: vad.VAD, userdata: Any, text_only: bool = False, language: str = "en"
) -> AgentSession[Any]:
    """The production session: real plugins from settings. Tests build their own with fakes.

    `text_only` (console without speech keys) builds just the LLM. `language` is the interview's spoken
    language (STT and turn detection follow it).
    """
    common: dict[str, Any] = {
        "vad": vad_,
        "userdata": userdata,
        "user_away_timeout": settings.user_away_timeout_s,
    }
    if text_only:
        return AgentSession(llm=build_llm(settings), turn_handling=turn_handling(settings), **common)
    if settings.realtime:
        # Local turns (VAD + the local detector) and the STT's transcript: the decision is ours, not the server's.
        return AgentSession(
            stt=build_stt(settings, language), llm=build_llm(settings), turn_handling=turn_handling(settings),
            **common,
        )  # fmt: skip
    return AgentSession(
        stt=build_stt(settings, language),
        llm=build_llm(settings),
        tts=build_tts(settings),
        turn_handling=turn_handling(settings),
        **common,
    )
