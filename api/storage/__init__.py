"""Object storage for session artifacts, chosen by name in settings (SHADOWS_API_STORAGE_BACKEND):

- `local` (`local.py`): a directory (default `<data dir>/artifacts`), for `make dev` and tests;
- `supabase` (`supabase.py`): Supabase Storage through the official client's storage module (`storage3`), in a
  private bucket.

Either way, readers download an artifact from this API (`/v1/artifacts/<token>/<name>`, tied to the key that
listed it: api/routers/session_data.py), never from the backend directly. Both implement `StorageBackend`
(`base.py`); `open_storage(settings)` returns the configured one.
"""

from __future__ import annotations

from api.settings import ApiSettings
from api.storage.base import StorageBackend, StorageError, StoredObject
from api.storage.local import LocalStorage
from api.storage.supabase import SupabaseStorage

__all__ = [
    "LocalStorage",
    "StorageBackend",
    "StorageError",
    "StoredObject",
    "SupabaseStorage",
    "open_storage",
]


def open_storage(settings: ApiSettings) -> StorageBackend:
    if settings.storage_backend == "supabase":
        assert settings.supabase_url and settings.supabase_service_role_key  # checked by ApiSettings
        return SupabaseStorage(
            settings.supabase_url,
            settings.supabase_service_role_key.get_secret_value(),
            bucket=settings.storage_bucket,
            timeout_s=settings.storage_timeout_s,
        )
    return LocalStorage(settings.artifacts_dir)
