"""``client.artifacts``: artifacts of the viewer's storage root, and verified downloads.

Specs are the SDK's: ``"name"`` (= ``name:latest``), ``"name:v3"``, ``"name:production"``. Where
two artifact types share a name, pass ``type=``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple, Union

from ..artifacts.paths import clean_member_path, parse_spec
from ..layout import InvalidName
from . import exceptions as errors

if TYPE_CHECKING:
    from .client import RunicornClient

_CHUNK = 1 << 20


class ArtifactsAPI:
    def __init__(self, client: RunicornClient) -> None:
        self.client = client

    def _params(self, type: Optional[str]) -> Optional[Dict[str, Any]]:  # noqa: A002
        return {"type": type} if type else None

    def _base(self, name: str, version: int) -> str:
        return f"/api/artifacts/{self.client._segment(name)}/v{int(version)}"

    # ---- listing ---------------------------------------------------------------------------
    def list_artifacts(self, type: Optional[str] = None, limit: Optional[int] = None,  # noqa: A002
                       offset: Optional[int] = None) -> List[Dict[str, Any]]:
        """Artifacts (newest change first): name, type, num_versions, latest_version, aliases..."""
        items = self.client._get("/api/artifacts", self._params(type))
        start = offset or 0
        return items[start:] if limit is None else items[start:start + limit]

    def list_versions(self, artifact_name: str, type: Optional[str] = None) -> List[Dict[str, Any]]:  # noqa: A002
        """The live versions of an artifact: version, created_at, created_by_run, size, aliases."""
        return self.client._get(f"/api/artifacts/{self.client._segment(artifact_name)}/versions", self._params(type))

    def resolve(self, spec: str, type: Optional[str] = None) -> Tuple[str, int]:  # noqa: A002
        """``(name, version)`` of a spec; an alias is looked up in the version list."""
        try:
            parsed = parse_spec(spec)
        except (ValueError, InvalidName) as exc:
            raise ValueError(str(exc)) from None
        if parsed.version is not None:
            return parsed.name, parsed.version
        for item in self.list_versions(parsed.name, type):
            if parsed.alias in (item.get("aliases") or []):
                return parsed.name, int(item["version"])
        raise errors.NotFoundError(f"Artifact {parsed.name} has no version with alias {parsed.alias!r}",
                                   status_code=404)

    def get_artifact(self, artifact_id: str, type: Optional[str] = None) -> Dict[str, Any]:  # noqa: A002
        """One version's metadata: ``"name:v3"``, ``"name:latest"``, ``"name:<alias>"``."""
        name, version = self.resolve(artifact_id, type)
        return self.client._get(self._base(name, version), self._params(type))

    def list_files(self, artifact_id: str, type: Optional[str] = None) -> Dict[str, Any]:  # noqa: A002
        """The version's manifest: ``files`` [{path, size, digest}], ``references``, totals."""
        name, version = self.resolve(artifact_id, type)
        return self.client._get(f"{self._base(name, version)}/files", self._params(type))

    def get_lineage(self, artifact_id: str, max_depth: int = 3, type: Optional[str] = None) -> Dict[str, Any]:  # noqa: A002
        """The lineage graph around a version: ``nodes`` (artifacts and runs) and ``edges``."""
        name, version = self.resolve(artifact_id, type)
        params = {"max_depth": int(max_depth), **(self._params(type) or {})}
        return self.client._get(f"{self._base(name, version)}/lineage", params)

    get_artifact_lineage = get_lineage  # the reference client's name

    def list_experiment_artifacts(self, run_id: str, relation: Optional[str] = None) -> List[Dict[str, Any]]:
        """Artifacts a run created and used, each with ``relation`` = "created" or "used"."""
        if relation not in (None, "created", "used"):
            raise ValueError(f"relation must be 'created' or 'used', got {relation!r}")
        body = self.client._get(f"/api/runs/{self.client._segment(run_id)}/artifacts")
        out = []
        for kind in ("created", "used"):
            if relation in (None, kind):
                out.extend({**item, "relation": kind} for item in body.get(kind) or [])
        return out

    # ---- download --------------------------------------------------------------------------
    def download(self, name_spec: str, target_dir: Union[str, os.PathLike], type: Optional[str] = None,  # noqa: A002
                 overwrite: bool = True) -> Path:
        """Copy every file of a version into ``target_dir`` (its folders kept); returns the folder.

        Each file is streamed from the viewer, its sha256 compared with the manifest's digest,
        and only then moved into place: a file that does not match raises
        :class:`IntegrityError` and is not left behind. External references are not downloaded
        (they are listed by :meth:`list_files`).
        """
        name, version = self.resolve(name_spec, type)
        manifest = self.client._get(f"{self._base(name, version)}/files", self._params(type))
        target = Path(target_dir)
        target.mkdir(parents=True, exist_ok=True)
        for entry in manifest.get("files") or []:
            if entry.get("is_remote"):
                continue
            try:
                member = clean_member_path(entry.get("path"))
            except InvalidName as exc:  # a path that would leave target_dir is never written
                raise errors.IntegrityError(f"{name}:v{version}: unsafe file path in manifest: {exc}") from None
            destination = target.joinpath(*member.split("/"))
            if destination.exists() and not overwrite:
                raise FileExistsError(f"{destination} exists (pass overwrite=True to replace it)")
            self._fetch(name, version, member, entry.get("digest"), destination, type)
        return target

    download_artifact = download  # the reference client's name

    def _fetch(self, name: str, version: int, member: str, digest: Any, destination: Path,
               type: Optional[str]) -> None:  # noqa: A002
        expected = digest.split(":", 1)[1] if isinstance(digest, str) and digest.startswith("sha256:") else None
        if expected is None:
            raise errors.IntegrityError(f"{name}:v{version}/{member}: the manifest has no sha256 digest ({digest!r})")
        quoted = "/".join(self.client._segment(part) for part in member.split("/"))
        response = self.client.transport.request(
            "GET", f"{self._base(name, version)}/files/{quoted}", params=self._params(type), stream=True,
            headers={"Accept": "*/*"},
        )
        destination.parent.mkdir(parents=True, exist_ok=True)
        sha = hashlib.sha256()
        fd, tmp = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out, response:
                for chunk in response.iter_content(_CHUNK):
                    sha.update(chunk)
                    out.write(chunk)
            if sha.hexdigest() != expected:
                raise errors.IntegrityError(
                    f"{name}:v{version}/{member}: sha256 {sha.hexdigest()} does not match the manifest's {expected}"
                )
            os.replace(tmp, destination)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
