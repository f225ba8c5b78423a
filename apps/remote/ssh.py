"""The SSH client layer (paramiko): connect with host key verification, authenticate, run scripts.

Nothing here logs or raises a secret: credentials live in :class:`Credentials` (kept out of
``repr``) and every failure becomes a :class:`RemoteError` whose message names the step that
failed, never the values sent.
"""

from __future__ import annotations

import io
import logging
import select
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import paramiko
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from . import errors, known_hosts

log = logging.getLogger(__name__)

MAX_OUTPUT_BYTES = 8 * 1024 * 1024
DEFAULT_KEY_FILES = ("id_ed25519", "id_ecdsa", "id_rsa")
# What a known_hosts key type allows the server to present (RSA keys sign with SHA-2 nowadays).
_ALGORITHMS_OF = {"ssh-rsa": ("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa")}


@dataclass(frozen=True)
class Target:
    host: str
    port: int
    username: str

    def __str__(self) -> str:
        return f"{self.username}@{self.host}:{self.port}"


@dataclass(frozen=True)
class Credentials:
    auth_method: str  # password | key | agent
    private_key_path: str | None = None
    password: str | None = field(default=None, repr=False)
    private_key: str | None = field(default=None, repr=False)
    passphrase: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class ExecResult:
    rc: int
    stdout: str
    stderr: str


def _socket(target: Target, timeout: float) -> socket.socket:
    try:
        return socket.create_connection((target.host, target.port), timeout=timeout)
    except TimeoutError:
        raise errors.timeout(f"Connecting to {target.host}:{target.port} timed out after {timeout:g} s") from None
    except socket.gaierror as exc:
        raise errors.unreachable(f"Cannot resolve host {target.host!r}: {exc.strerror or exc}") from None
    except OSError as exc:
        raise errors.unreachable(f"Cannot connect to {target.host}:{target.port}: {exc.strerror or exc}") from None


def _prefer_known_key_types(transport: paramiko.Transport, target: Target) -> None:
    """Ask for the key type we already know, as OpenSSH does, so a known host is not 'changed'."""
    known = known_hosts.known_key_types(target.host, target.port)
    if not known:
        return
    options = transport.get_security_options()
    available = list(options.key_types)
    wanted = [alg for kind in known for alg in _ALGORITHMS_OF.get(kind, (kind,)) if alg in available]
    options.key_types = tuple(dict.fromkeys(wanted + available))


def _handshake(sock: socket.socket, target: Target, timeout: float) -> paramiko.Transport:
    transport = paramiko.Transport(sock)
    transport.banner_timeout = timeout
    transport.handshake_timeout = timeout
    transport.auth_timeout = timeout
    _prefer_known_key_types(transport, target)
    done = threading.Event()
    # With an event, start_client returns at once and we wait ourselves: without one it returns
    # silently (no error) when its timeout passes before the key exchange is over.
    failure: BaseException | None = None
    try:
        transport.start_client(event=done)
        if done.wait(timeout) and not transport.is_active():
            failure = transport.get_exception() or paramiko.SSHException("negotiation failed")
    except (paramiko.SSHException, EOFError, OSError) as exc:
        failure = exc
    if failure is None and not done.is_set():
        failure = TimeoutError("timed out")
    if failure is None:
        return transport
    transport.close()
    text = str(failure) or type(failure).__name__
    # paramiko words a banner that never came as "Error reading SSH protocol banner" + "" (the
    # empty text of socket.timeout); a reset or EOF there carries its own words.
    if "timed out" in text.lower() or "timeout" in text.lower() or text.endswith("protocol banner"):
        raise errors.timeout(f"SSH handshake with {target.host}:{target.port} timed out after {timeout:g} s")
    raise errors.ssh_error(f"SSH handshake with {target.host}:{target.port} failed: {text}")


def _is_encrypted(data: bytes) -> bool:
    for load in (serialization.load_ssh_private_key, serialization.load_pem_private_key):
        try:
            load(data, password=None)
        except TypeError:
            return True
        except Exception:  # noqa: S112 - not this format: try the other
            continue
        return False
    return False


def _pkey_from_bytes(data: bytes, passphrase: str | None, source: str) -> paramiko.PKey:
    secret = passphrase.encode() if passphrase else None
    try:
        try:
            loaded = serialization.load_ssh_private_key(data, password=secret)
        except ValueError as first:
            if "password" in str(first).lower() or "decrypt" in str(first).lower():
                raise
            loaded = serialization.load_pem_private_key(data, password=secret)
    except TypeError:  # cryptography: encrypted key without a password, or a password for a plain key
        if secret is None:
            raise errors.auth_failed(f"The private key ({source}) is encrypted: a passphrase is needed") from None
        loaded = None
    except ValueError as exc:
        text = str(exc).lower()
        # A wrong passphrase reads as corrupt data to cryptography: ask whether the key is encrypted.
        if "password" in text or "decrypt" in text or (secret is not None and _is_encrypted(data)):
            raise errors.auth_failed(f"Cannot decrypt the private key ({source}): wrong passphrase") from None
        raise errors.invalid(f"The private key ({source}) is not an OpenSSH or PEM private key") from None
    except Exception:
        raise errors.invalid(f"The private key ({source}) is not an OpenSSH or PEM private key") from None
    if loaded is None:  # a passphrase was given for an unencrypted key: use the key as it is
        return _pkey_from_bytes(data, None, source)
    if isinstance(loaded, ed25519.Ed25519PrivateKey):
        key_class: type[paramiko.PKey] = paramiko.Ed25519Key
    elif isinstance(loaded, ec.EllipticCurvePrivateKey):
        key_class = paramiko.ECDSAKey
    elif isinstance(loaded, rsa.RSAPrivateKey):
        key_class = paramiko.RSAKey
    else:
        raise errors.invalid(f"The private key ({source}) is of a type SSH here does not use (Ed25519, ECDSA, RSA)")
    try:
        return key_class.from_private_key(io.StringIO(data.decode("utf-8", "replace")), password=passphrase or None)
    except paramiko.SSHException:
        raise errors.invalid(f"The private key ({source}) cannot be read") from None


def _keys(creds: Credentials) -> list[paramiko.PKey]:
    if creds.private_key:
        return [_pkey_from_bytes(creds.private_key.strip().encode() + b"\n", creds.passphrase, "private_key")]
    if creds.private_key_path:
        path = Path(creds.private_key_path).expanduser()
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise errors.invalid(f"Cannot read private_key_path {str(path)!r}: {exc.strerror or exc}") from None
        return [_pkey_from_bytes(data, creds.passphrase, str(path))]
    found = [p for p in (Path.home() / ".ssh" / name for name in DEFAULT_KEY_FILES) if p.is_file()]
    if not found:
        raise errors.invalid("auth_method 'key' needs private_key or private_key_path (no ~/.ssh/id_* key found)")
    keys = []
    for path in found:
        try:
            keys.append(_pkey_from_bytes(path.read_bytes(), creds.passphrase, str(path)))
        except errors.RemoteError as exc:
            log.info("skipping %s: %s", path, exc.message)
    if not keys:
        raise errors.auth_failed("None of the default keys in ~/.ssh could be loaded (encrypted without passphrase?)")
    return keys


def _try_keys(transport: paramiko.Transport, username: str, keys: list[paramiko.PKey]) -> bool:
    for key in keys:
        try:
            transport.auth_publickey(username, key)
        except paramiko.BadAuthenticationType:
            raise
        except paramiko.AuthenticationException:
            continue
        if transport.is_authenticated():
            return True
    return False


def _authenticate(transport: paramiko.Transport, target: Target, creds: Credentials) -> None:
    method = creds.auth_method
    try:
        if method == "password":
            if not creds.password:
                raise errors.invalid("password is required for auth_method 'password'")
            transport.auth_password(target.username, creds.password)
        elif method == "key":
            if not _try_keys(transport, target.username, _keys(creds)):
                raise errors.auth_failed(f"SSH authentication failed: the server rejected the key for {target}")
        else:
            agent = paramiko.Agent()
            try:
                agent_keys = list(agent.get_keys())
                if not agent_keys:
                    raise errors.auth_failed("The SSH agent holds no keys (is SSH_AUTH_SOCK set and ssh-add done?)")
                if not _try_keys(transport, target.username, agent_keys):
                    raise errors.auth_failed(f"SSH authentication failed: the server rejected the agent's keys "
                                             f"for {target}")
            finally:
                agent.close()
    except paramiko.BadAuthenticationType as exc:
        allowed = ", ".join(exc.allowed_types) or "none"
        raise errors.auth_failed(f"The server does not accept {method} authentication (it allows: {allowed})") from None
    except paramiko.AuthenticationException as exc:
        if "timeout" in str(exc).lower():
            raise errors.timeout(f"SSH authentication with {target.host}:{target.port} timed out") from None
        raise errors.auth_failed(f"SSH authentication failed for {target} ({method})") from None
    except (paramiko.SSHException, EOFError, OSError) as exc:
        raise errors.ssh_error(f"The connection broke during authentication: {exc or type(exc).__name__}") from None
    if not transport.is_authenticated():
        raise errors.auth_failed(f"SSH authentication failed for {target} ({method})")


def open_transport(target: Target, creds: Credentials, *, timeout: float, keepalive: int) -> paramiko.Transport:
    """An authenticated transport to ``target``; the host key must be known (else 409)."""
    sock = _socket(target, timeout)
    transport = _handshake(sock, target, timeout)
    try:
        key = transport.get_remote_server_key()
        known_hosts.verify(target.host, target.port, key.get_name(), key.asbytes())  # before any credential
        _authenticate(transport, target, creds)
    except BaseException:
        transport.close()
        raise
    if keepalive:
        transport.set_keepalive(keepalive)
    return transport


def run(transport: paramiko.Transport, command: str, *, stdin: str | None = None, timeout: float = 60.0) -> ExecResult:
    """Run ``command`` (through the login shell), feeding ``stdin``; stdout and stderr apart."""
    try:
        channel = transport.open_session(timeout=min(timeout, 30.0))
        channel.exec_command(command)
        if stdin is not None:
            channel.sendall(stdin.encode())
        channel.shutdown_write()
    except (paramiko.SSHException, EOFError, OSError) as exc:
        raise errors.ssh_error(f"Cannot run a command on the server: {exc or type(exc).__name__}") from None
    out, err = bytearray(), bytearray()
    deadline = time.monotonic() + timeout
    try:
        while True:
            if channel.recv_ready():
                out += channel.recv(65536)
            elif channel.recv_stderr_ready():
                err += channel.recv_stderr(65536)
            elif channel.exit_status_ready() or channel.closed or not transport.is_active():
                break
            elif time.monotonic() > deadline:
                raise errors.timeout(f"A command on the server did not finish within {timeout:g} s")
            else:
                select.select([channel], [], [], 0.05)
            if len(out) + len(err) > MAX_OUTPUT_BYTES:
                raise errors.ssh_error("A command on the server wrote more output than expected")
        if not channel.exit_status_ready():
            raise errors.ssh_error("The SSH connection was lost while a command ran")
        rc = channel.recv_exit_status()
    finally:
        channel.close()
    return ExecResult(rc, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))


def round_trip(transport: paramiko.Transport, timeout: float = 10.0) -> float:
    """Seconds for one request/answer with the server (a channel opened and closed)."""
    if not transport.is_active():
        raise errors.ssh_error("The SSH connection is closed")
    started = time.perf_counter()
    try:
        channel = transport.open_session(timeout=timeout)
    except (paramiko.SSHException, EOFError, OSError) as exc:
        raise errors.ssh_error(f"The server did not answer: {exc or type(exc).__name__}") from None
    elapsed = time.perf_counter() - started
    channel.close()
    return elapsed
