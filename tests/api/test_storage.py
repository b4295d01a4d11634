"""Both storage backends against the same contract: the `local` directory and `supabase` (the real storage3 client
against a local server speaking the Supabase Storage REST API). Writes replace whole objects, folders list their
direct children, deletes report what existed, signed URLs download without other credentials and expire, keys
cannot escape, and failures come back as StorageError with the right `retryable`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.storage import LocalStorage, StorageBackend, StorageError, SupabaseStorage
from tests.fakes.supabase_storage import FakeSupabaseStorage

SERVICE_KEY = "test-service-role-key-" + "s" * 20


@pytest.fixture
async def fake_storage() -> AsyncIterator[FakeSupabaseStorage]:
    async with FakeSupabaseStorage(service_key=SERVICE_KEY) as fake:
        yield fake


@pytest.fixture(params=["local", "supabase"])
async def backend(
    request: pytest.FixtureRequest, tmp_path: Path, fake_storage: FakeSupabaseStorage
) -> AsyncIterator[StorageBackend]:
    store: StorageBackend
    if request.param == "local":
        store = LocalStorage(tmp_path / "artifacts")
    else:
        store = SupabaseStorage(fake_storage.url, SERVICE_KEY, bucket="session-artifacts", timeout_s=5)
    try:
        yield store
    finally:
        await store.aclose()


async def test_put_get_replace_list_and_delete(backend: StorageBackend) -> None:
    await backend.put("sessions/ses_a/session.json", b'{"v": 1}', "application/json")
    await backend.put("sessions/ses_a/report.pdf", b"%PDF-1.7 first", "application/pdf")
    await backend.put("sessions/ses_a/report.pdf", b"%PDF-1.7 second", "application/pdf")
    await backend.put("sessions/ses_b/session.json", b"{}", "application/json")

    assert await backend.get("sessions/ses_a/report.pdf") == b"%PDF-1.7 second"
    assert await backend.get("sessions/ses_a/missing.pdf") is None
    listed = await backend.list_folder("sessions/ses_a")
    assert [(o.key, o.size) for o in listed] == [
        ("sessions/ses_a/report.pdf", len(b"%PDF-1.7 second")),
        ("sessions/ses_a/session.json", len(b'{"v": 1}')),
    ]
    assert await backend.list_folder("sessions/ses_none") == []

    removed = await backend.delete(
        ["sessions/ses_a/report.pdf", "sessions/ses_a/session.json", "sessions/ses_a/x"]
    )
    assert removed == 2
    assert await backend.list_folder("sessions/ses_a") == []
    assert await backend.get("sessions/ses_b/session.json") == b"{}"
    assert await backend.delete([]) == 0


async def test_keys_cannot_escape_or_be_malformed(backend: StorageBackend) -> None:
    for key in (
        "../etc/passwd",
        "sessions/../../x",
        "/abs",
        "a//b",
        "a/./b",
        "a/",
        "",
        "a b",
        "a\x00b",
        "é",
        "a\n",
        "a/b\n",
    ):
        with pytest.raises(ValueError):
            await backend.put(key, b"x", "text/plain")


async def test_the_supabase_bucket_is_created_private_on_first_use(fake_storage: FakeSupabaseStorage) -> None:
    store = SupabaseStorage(fake_storage.url, SERVICE_KEY, bucket="session-artifacts", timeout_s=5)
    await store.put("sessions/ses_a/report.pdf", b"%PDF-1.7 body", "application/pdf")
    assert fake_storage.buckets["session-artifacts"]["public"] is False
    await store.aclose()


async def test_two_processes_creating_the_bucket_at_once_both_write(
    fake_storage: FakeSupabaseStorage,
) -> None:
    # Two jobs (or workers) writing the first artifacts of a deployment both find no bucket and both create it; the
    # one whose create comes second is told 409 Duplicate. It failed its write for good before.
    first = SupabaseStorage(fake_storage.url, SERVICE_KEY, bucket="session-artifacts", timeout_s=5)
    second = SupabaseStorage(fake_storage.url, SERVICE_KEY, bucket="session-artifacts", timeout_s=5)
    looked_up = second._client.get_bucket  # the race: the other creates it right after this check

    async def racing(name: str) -> Any:
        try:
            return await looked_up(name)
        finally:
            await first.put("sessions/ses_a/a.json", b"{}", "application/json")

    second._client.get_bucket = racing  # type: ignore[method-assign]
    await second.put("sessions/ses_b/b.json", b"[]", "application/json")
    assert await first.get("sessions/ses_b/b.json") == b"[]"
    assert fake_storage.buckets["session-artifacts"]["public"] is False
    await first.aclose()
    await second.aclose()


async def test_a_network_failure_creating_the_bucket_is_a_retryable_storage_error(
    fake_storage: FakeSupabaseStorage,
) -> None:
    store = SupabaseStorage(fake_storage.url, SERVICE_KEY, bucket="session-artifacts", timeout_s=5)

    async def unreachable(*_: Any, **__: Any) -> Any:
        raise httpx.ConnectError("connection refused")

    store._client.create_bucket = unreachable  # type: ignore[method-assign]
    with pytest.raises(StorageError) as info:
        await store.put("sessions/ses_a/a.json", b"{}", "application/json")
    assert info.value.retryable is True
    await store.aclose()


async def test_supabase_failures_are_storage_errors_retryable_only_when_worth_it(
    fake_storage: FakeSupabaseStorage,
) -> None:
    wrong_key = SupabaseStorage(fake_storage.url, "not-the-key", bucket="session-artifacts", timeout_s=5)
    with pytest.raises(StorageError) as info:
        await wrong_key.put("sessions/ses_a/a.json", b"{}", "application/json")
    assert info.value.retryable is False
    await wrong_key.aclose()

    store = SupabaseStorage(fake_storage.url, SERVICE_KEY, bucket="session-artifacts", timeout_s=5)
    await store.put("sessions/ses_a/a.json", b"{}", "application/json")
    fake_storage.fail_with = 503
    for call in (
        store.put("sessions/ses_a/b.json", b"{}", "application/json"),
        store.get("sessions/ses_a/a.json"),
        store.list_folder("sessions/ses_a"),
        store.delete(["sessions/ses_a/a.json"]),
    ):
        with pytest.raises(StorageError) as info:
            await call
        assert info.value.retryable is True
    fake_storage.fail_with = None
    assert await store.get("sessions/ses_a/a.json") == b"{}"
    await store.aclose()

    gone = SupabaseStorage("http://127.0.0.1:9", SERVICE_KEY, bucket="session-artifacts", timeout_s=2)
    with pytest.raises(StorageError) as info:
        await gone.get("sessions/ses_a/a.json")
    assert info.value.retryable is True
    await gone.aclose()


async def test_a_public_bucket_is_refused(fake_storage: FakeSupabaseStorage) -> None:
    async with httpx.AsyncClient(
        headers={"apikey": SERVICE_KEY, "Authorization": f"Bearer {SERVICE_KEY}"}
    ) as c:
        r = await c.post(
            f"{fake_storage.url}/storage/v1/bucket", json={"id": "open", "name": "open", "public": True}
        )
        assert r.status_code == 200
    store = SupabaseStorage(fake_storage.url, SERVICE_KEY, bucket="open", timeout_s=5)
    with pytest.raises(StorageError, match="public"):
        await store.put("sessions/ses_a/a.json", b"{}", "application/json")
    assert fake_storage.keys("open") == []
    await store.aclose()
