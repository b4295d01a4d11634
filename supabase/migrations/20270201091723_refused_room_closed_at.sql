-- When a refused join's close last removed the session's LiveKit room (api/rooms.py `close_room`, under the
-- session's row lock, once LiveKit answered DeleteRoom: deleted, or no such room). A participant who joined that
-- room before then was disconnected with it: LiveKit's `participant_joined` for them, applied after the close
-- (it waited on the row lock, or was delivered late), no longer starts the session in a room that is gone
-- (api/routers/livekit_webhook.py). A join after it is to a room LiveKit created afresh, and starts it as before.

alter table public.sessions add column refused_room_closed_at timestamp with time zone null;
