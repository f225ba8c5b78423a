"""``client.remote``: remote viewers over SSH, thin wrappers over ``/api/remote/*``.

The usual flow::

    try:
        conn = client.remote.connect("gpu-box", username="alice", private_key_path="~/.ssh/id_ed25519")
    except HostKeyConfirmationRequiredError as err:      # first contact: check the fingerprint
        print(err.host_key["fingerprint_sha256"])
        client.remote.confirm_host_key(err.host_key)
        conn = client.remote.connect("gpu-box", username="alice", private_key_path="~/.ssh/id_ed25519")
    envs = client.remote.list_environments(conn["connection_id"], filter="runicorn_only")
    viewer = client.remote.start_viewer(conn["connection_id"], envs[0]["name"], remote_root="/data/runs")
    remote_client = api.connect(viewer["url"])           # the remote runs, through the tunnel

Failures of the SSH side (an unreachable host, a timed-out command: 408/502/504) are not retried:
they are about the other machine, not the viewer. Errors carry the Remote API's ``code``
(``connection_not_found``, ``viewer_not_running``, ...) and ``message``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional

if TYPE_CHECKING:
    from .client import RunicornClient

_NO_UPSTREAM_RETRY = (429,)


class RemoteAPI:
    def __init__(self, client: RunicornClient) -> None:
        self.client = client

    def _get(self, path: str, **params: Any) -> Dict[str, Any]:
        clean = {k: v for k, v in params.items() if v is not None}
        return self.client._get(f"/api/remote/{path}", clean or None, retry_statuses=_NO_UPSTREAM_RETRY)

    def _post(self, path: str, body: Dict[str, Any]) -> Dict[str, Any]:
        clean = {k: v for k, v in body.items() if v is not None}
        return self.client._post(f"/api/remote/{path}", clean, retry_statuses=_NO_UPSTREAM_RETRY)

    # ---- connections -----------------------------------------------------------------------
    def connect(self, host: str, port: int = 22, username: Optional[str] = None, password: Optional[str] = None,
                private_key_path: Optional[str] = None, passphrase: Optional[str] = None,
                private_key: Optional[str] = None, timeout: Optional[float] = None,
                **extra: Any) -> Dict[str, Any]:
        """Open (or reuse) an SSH connection; the answer holds ``connection_id``.

        Authentication: ``password``, ``private_key`` (the key text), ``private_key_path`` (a path
        on the viewer's machine; ``~`` is the viewer's home), or else the SSH agent. ``extra`` is
        sent as is (``auth_method``, ``saved_key`` of a saved connection, ``use_agent``). An
        unknown host key raises
        :class:`HostKeyConfirmationRequiredError`.
        """
        body = {"host": host, "port": port, "username": username, "password": password,
                "private_key_path": private_key_path, "passphrase": passphrase, "private_key": private_key,
                "timeout": timeout, **extra}
        return self._post("connect", body)

    def list_connections(self) -> List[Dict[str, Any]]:
        """Open SSH connections, each with its remote viewer (if any)."""
        return list(self._get("connections").get("connections", []))

    list_sessions = list_connections  # the reference client's name

    def disconnect(self, connection_id: str, cleanup_viewer: bool = True) -> Dict[str, Any]:
        """Close a connection (and stop its remote viewer unless ``cleanup_viewer=False``)."""
        params = {"cleanup_viewer": "true" if cleanup_viewer else "false"}
        return self.client._delete(f"/api/remote/connections/{self.client._segment(connection_id)}", params,
                                   retry_statuses=_NO_UPSTREAM_RETRY)

    # ---- environments ----------------------------------------------------------------------
    def list_environments(self, connection_id: str, filter: Optional[str] = None) -> List[Dict[str, Any]]:  # noqa: A002
        """Python environments on the server (``filter="runicorn_only"``: those with runicorn)."""
        return list(self._get("environments", connection_id=connection_id, filter=filter).get("environments", []))

    def detect_environments(self, connection_id: str) -> List[Dict[str, Any]]:
        """Detect the environments again (the list is cached per connection)."""
        body = self._post("environments/detect", {"connection_id": connection_id, "force_refresh": True})
        return list(body.get("environments", []))

    def get_remote_config(self, connection_id: str, env_name: str) -> Dict[str, Any]:
        """runicorn's configuration in one environment on the server (storage root, version)."""
        return self._get("config", connection_id=connection_id, env_name=env_name)

    # ---- the remote viewer -----------------------------------------------------------------
    def start_viewer(self, connection_id: str, env_name: str, remote_root: Optional[str] = None,
                     local_port: Optional[int] = None, auto_open: bool = False) -> Dict[str, Any]:
        """Start ``runicorn viewer`` on the server and a local tunnel to it.

        Returns the ``viewer`` object: ``url`` (local, e.g. ``http://127.0.0.1:51234``),
        ``local_port``, ``remote_port``, ``pid``, ``status``... ``api.connect(viewer["url"])``
        then reads the remote runs.
        """
        body = {"connection_id": connection_id, "env_name": env_name, "remote_root": remote_root,
                "local_port": local_port, "auto_open": auto_open}
        return dict(self._post("viewer/start", body).get("viewer") or {})

    def stop_viewer(self, connection_id: str, cleanup: bool = True) -> Dict[str, Any]:
        """Stop the remote viewer and its tunnel (``cleanup``: remove its files on the server)."""
        return self._post("viewer/stop", {"connection_id": connection_id, "cleanup": cleanup})

    def viewer_status(self, connection_id: str) -> Dict[str, Any]:
        """The remote viewer: status, url, uptime, health."""
        return dict(self._get("viewer/status", connection_id=connection_id).get("viewer") or {})

    def viewer_logs(self, connection_id: str, lines: int = 100) -> List[str]:
        """The last ``lines`` lines of the remote viewer's output."""
        return list(self._get("viewer/logs", connection_id=connection_id, lines=int(lines)).get("logs", []))

    def health(self, connection_id: str) -> Dict[str, Any]:
        """Checks of the SSH connection, the tunnel and the remote viewer."""
        return self._get("health", connection_id=connection_id)

    def ping(self, connection_id: str) -> Dict[str, Any]:
        """Round-trip time of the SSH connection."""
        return self._get("ping", connection_id=connection_id)

    # ---- host keys -------------------------------------------------------------------------
    def confirm_host_key(self, host_key: Dict[str, Any]) -> Dict[str, Any]:
        """Trust a host key (``err.host_key`` of a :class:`HostKeyConfirmationRequiredError`)."""
        return self._post("known-hosts/accept", {"host_key": host_key})

    def list_known_hosts(self) -> List[Dict[str, Any]]:
        return list(self._get("known-hosts").get("entries", []))

    def remove_known_host(self, host: str, port: int = 22, key_type: Optional[str] = None) -> Dict[str, Any]:
        return self._post("known-hosts/remove", {"host": host, "port": port, "key_type": key_type})
