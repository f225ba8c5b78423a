"""Team profile: an SSH connection and the host keys a user trusted are that user's alone."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from apps.accounts import owner
from apps.remote import services
from apps.remote.errors import HostKeyConfirmationRequired, RemoteError

from .conftest import key_body, trust

pytestmark = pytest.mark.usefixtures("config_home", "no_connections_left")


@pytest.fixture
def as_user():  # type: ignore[no-untyped-def]
    """Act as the signed-in user with this id (what the team profile's authentication binds)."""
    yield lambda pk: owner.bind(SimpleNamespace(pk=pk))
    owner.clear()


def test_another_user_can_neither_see_nor_use_a_connection(remote_sshd, as_user):
    as_user(1)
    trust(remote_sshd)
    cid = services.connect(key_body(remote_sshd))["connection_id"]

    as_user(2)
    assert services.list_connections()["total"] == 0
    with pytest.raises(RemoteError) as refused:
        services.ping(cid)
    assert refused.value.code == "connection_not_found"
    with pytest.raises(HostKeyConfirmationRequired):  # user 1's trust is not user 2's
        services.connect(key_body(remote_sshd))

    as_user(1)
    assert services.ping(cid)["success"] is True
    assert [c["connection_id"] for c in services.list_connections()["connections"]] == [cid]


def test_the_same_target_gets_a_different_id_per_user(remote_sshd, as_user):
    ids = []
    for pk in (1, 2):
        as_user(pk)
        trust(remote_sshd)
        ids.append(services.connect(key_body(remote_sshd))["connection_id"])

    assert ids[0] != ids[1]
