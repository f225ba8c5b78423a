"""Python environments on the server, found in one SSH round trip (one shell script).

Candidates: conda environments (``conda env list --json`` of every conda found on the login PATH,
``$CONDA_EXE`` or the usual install folders, plus their ``envs/`` folders), virtualenvs under
``~/.virtualenvs``, ``~/venvs`` and ``~/.venvs``, pyenv versions, and the ``python3`` on the login
PATH. Each interpreter runs a small probe that prints its version, whether ``runicorn`` (and its
viewer) is installed, and the storage root it would use: ``RUNICORN_DIR``, else ``user_root_dir``
from its user config, else ``~/.runicorn`` (our SDK's default when run from the home folder).
"""

from __future__ import annotations

import json
import logging
import shlex
from dataclasses import asdict, dataclass
from typing import Any

import paramiko

from . import errors
from .ssh import run

log = logging.getLogger(__name__)

MARK = "RNENV\t"
DETECT_TIMEOUT = 120.0

# Runs in every candidate interpreter: standard library only, Python 3.6+ (old servers).
PROBE = r'''
import json, os, sys
kind, name, path = sys.argv[1:4]
info = {"name": name, "type": kind, "python_path": path, "python_version": "%d.%d.%d" % sys.version_info[:3],
        "runicorn_installed": False, "runicorn_version": None, "viewer_installed": False}
try:
    import importlib.util as iu
    spec = iu.find_spec("runicorn")
except Exception:
    spec = None
if spec is not None:
    info["runicorn_installed"] = True
    version = None
    # The dist-info folder names the version: cheaper than importlib.metadata or the package.
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for item in names:
            # runicorn_sdk: this SDK's distribution; runicorn: the reference's (or ours before 0.6.0a1).
            low = item.lower()
            prefix = next((p for p in ("runicorn_sdk-", "runicorn-") if low.startswith(p)), None)
            if prefix and item.endswith((".dist-info", ".egg-info")):
                version = item[len(prefix):].rsplit(".", 1)[0].split("-")[0]
                break
        if version:
            break
    if not version:
        try:
            import runicorn
            version = getattr(runicorn, "__version__", None)
        except Exception:
            pass
    info["runicorn_version"] = version or "unknown"
    places = list(spec.submodule_search_locations or [])
    try:
        viewer = iu.find_spec("runicorn_site") is not None
    except Exception:
        viewer = False
    info["viewer_installed"] = viewer or any(os.path.isdir(os.path.join(p, "viewer")) for p in places)
home = os.path.expanduser("~")
config_home = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
config_file = os.path.join(config_home, "runicorn", "config.json")
configured = None
try:
    with open(config_file) as fh:
        configured = json.load(fh).get("user_root_dir")
except Exception:
    pass
if not (isinstance(configured, str) and configured.strip()):
    configured = None
if os.environ.get("RUNICORN_DIR"):
    root, source = os.environ["RUNICORN_DIR"], "env"
elif configured:
    root, source = configured, "config"
elif os.path.isdir(os.path.join(home, ".runicorn")):
    root, source = os.path.join(home, ".runicorn"), "default"  # the reference's default, kept where it exists
else:
    # The SDK's per-user default (runicorn.config.default_storage_root), the same from any directory.
    data_home = os.environ.get("XDG_DATA_HOME") or os.path.join(home, ".local", "share")
    root, source = os.path.join(data_home, "runicorn", "runs"), "default"
info.update(storage_root=os.path.abspath(os.path.expanduser(root)), storage_root_source=source,
            user_root_dir=configured, config_file=config_file)
print("RNENV\t" + json.dumps(info))
'''

# POSIX sh, fed on stdin: `sh -s`. Every interpreter found is probed once (SEEN), with a timeout.
SCRIPT = r'''
PROBE=$1
if command -v timeout >/dev/null 2>&1; then TO="timeout 30"; else TO=""; fi
LOGIN_PATH=$($TO "${SHELL:-/bin/sh}" -lc 'printf %s "$PATH"' </dev/null 2>/dev/null | tail -n 1)
[ -n "$LOGIN_PATH" ] && PATH=$LOGIN_PATH && export PATH
SEEN=" "
JOBS=0
probe() {
  [ -x "$3" ] || return 0
  case "$SEEN" in *" $3 "*) return 0 ;; esac
  SEEN="$SEEN$3 "
  # Up to 8 interpreters start at once; each prints one short line (one atomic write).
  { $TO "$3" -c "$PROBE" "$1" "$2" "$3" 2>/dev/null </dev/null || printf 'RNSKIP\t%s\n' "$3"; } &
  JOBS=$((JOBS + 1))
  if [ "$JOBS" -ge 8 ]; then wait; JOBS=0; fi
}
conda_env() {
  if [ -d "$1/conda-meta" ] && [ -d "$1/envs" ]; then probe conda base "$1/bin/python"
  else probe conda "$(basename "$1")" "$1/bin/python"; fi
}
CONDAS=""
c=$(command -v conda 2>/dev/null) && CONDAS="$c"
[ -n "$CONDA_EXE" ] && CONDAS="$CONDAS
$CONDA_EXE"
for base in "$HOME/miniconda3" "$HOME/anaconda3" "$HOME/miniforge3" "$HOME/mambaforge" "$HOME/miniconda" \
            "$HOME/anaconda" "/opt/conda" "/opt/miniconda3" "/opt/anaconda3" "/opt/miniforge3" \
            "/usr/local/miniconda3" "/usr/local/anaconda3"; do
  [ -x "$base/bin/conda" ] && CONDAS="$CONDAS
$base/bin/conda"
  if [ -d "$base/conda-meta" ]; then
    conda_env "$base"
    for e in "$base"/envs/*; do [ -d "$e" ] && conda_env "$e"; done
  fi
done
printf '%s\n' "$CONDAS" | while IFS= read -r c; do
  [ -n "$c" ] || continue
  $TO "$c" env list --json 2>/dev/null </dev/null | sed -n 's/^ *"\(\/[^"]*\)",\{0,1\} *$/\1/p'
done > "${TMPDIR:-/tmp}/.rnenv.$$" 2>/dev/null
if [ -f "${TMPDIR:-/tmp}/.rnenv.$$" ]; then
  while IFS= read -r e; do [ -d "$e" ] && conda_env "$e"; done < "${TMPDIR:-/tmp}/.rnenv.$$"
  rm -f "${TMPDIR:-/tmp}/.rnenv.$$"
fi
for dir in "$HOME/.virtualenvs" "$HOME/venvs" "$HOME/.venvs"; do
  for e in "$dir"/*; do [ -d "$e" ] && probe venv "$(basename "$e")" "$e/bin/python"; done
done
PYENV=${PYENV_ROOT:-$HOME/.pyenv}
for v in "$PYENV"/versions/*; do [ -d "$v" ] && probe pyenv "$(basename "$v")" "$v/bin/python"; done
p=$(command -v python3 2>/dev/null) && probe system system "$p"
wait
exit 0
'''


@dataclass(frozen=True)
class Environment:
    name: str
    type: str  # conda | venv | pyenv | system
    python_path: str
    python_version: str
    runicorn_installed: bool
    runicorn_version: str | None
    viewer_installed: bool
    storage_root: str
    storage_root_source: str  # env | config | default
    user_root_dir: str | None
    config_file: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_TYPE_ORDER = {"conda": 0, "venv": 1, "pyenv": 2, "system": 3}


def parse(output: str) -> list[Environment]:
    """The probes' lines among whatever else the login shell printed, in a stable order, names unique."""
    probed: list[Environment] = []
    for line in output.splitlines():
        if not line.startswith(MARK):
            continue
        try:
            data = json.loads(line[len(MARK):])
            env = Environment(**{k: data.get(k) for k in Environment.__dataclass_fields__})
        except (ValueError, TypeError):
            continue
        if isinstance(env.name, str) and isinstance(env.python_path, str) and isinstance(env.type, str):
            probed.append(env)
    # The probes run in parallel: order by kind, then name, whatever order they finished in.
    probed.sort(key=lambda e: (_TYPE_ORDER.get(e.type, 9), e.name, e.python_path))
    found: list[Environment] = []
    names: set[str] = set()
    for env in probed:
        if env.name in names:  # e.g. "myenv" in ~/venvs and in ~/.venvs: tell them apart
            env = Environment(**{**env.as_dict(), "name": f"{env.name} ({env.python_path})"})
        names.add(env.name)
        found.append(env)
    return found


def detect(transport: paramiko.Transport) -> list[Environment]:
    result = run(transport, f"sh -s -- {shlex.quote(PROBE)}", stdin=SCRIPT, timeout=DETECT_TIMEOUT)
    if result.rc != 0:
        raise errors.ssh_error(f"Environment detection failed on the server (exit {result.rc}): "
                               f"{result.stderr.strip()[-500:]}")
    envs = parse(result.stdout)
    log.info("detected %d Python environments", len(envs))
    return envs


def find(envs: list[Environment], name: str) -> Environment:
    """By name (as listed) or by interpreter path."""
    for env in envs:
        if env.name == name or env.python_path == name:
            return env
    raise errors.environment_not_found(name)


def free_port_command(python_path: str) -> str:
    return (f"{shlex.quote(python_path)} -c 'import socket; s = socket.socket(); "
            "s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])'")
