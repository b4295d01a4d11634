"""How uvicorn serves the API, from settings: how large a request head may be, how long idle connections live, how
long a request head and its body may take to arrive and how long an answer may wait for its client to read it.
`shadows api`, `shadows dev` and the test suite's servers all use this. Which peers may set X-Forwarded-For is the
app's own rule (api/forwarded.py), not uvicorn's."""

from __future__ import annotations

from functools import partial
from typing import Any

from api.settings import ApiSettings
from judge.http_protocol import BoundedH11Protocol


def uvicorn_options(settings: ApiSettings) -> dict[str, Any]:
    return {
        # The app reads X-Forwarded-For itself, from trusted proxies only (api/forwarded.py): uvicorn's own reading
        # took the left-most entry, which the client writes, when every peer was trusted ("*").
        "proxy_headers": False,
        # h11 enforces the request-head cap (httptools has none): a larger head is refused with 400. Our subclass
        # also closes a connection whose request head has not arrived within the keep-alive timeout (slowloris),
        # whose body falls behind its minimum rate, or whose client stops reading its answer. A partial of a
        # module-level class: `--workers` pickles it.
        "http": partial(
            BoundedH11Protocol,
            body_grace_s=settings.body_grace_s,
            body_min_rate=settings.body_min_bytes_per_s,
            response_grace_s=settings.response_grace_s,
            response_min_rate=settings.response_min_bytes_per_s,
        ),
        "h11_max_incomplete_event_size": settings.max_header_bytes,
        "timeout_keep_alive": settings.keep_alive_s,
        "server_header": False,
        # Our access log (api.middleware) logs route templates; uvicorn's would log raw paths with ids and queries.
        "access_log": False,
        # Logging is configured by api.logs (JSON lines); uvicorn must not install its plain-text handlers.
        "log_config": None,
    }
