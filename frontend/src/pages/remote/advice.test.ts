import { describe, expect, it } from "vitest";
import { RemoteApiError, remoteErrorFromBody } from "../../api/remote";
import { en } from "../../i18n/en";
import { ADVICE_KINDS, adviceFor, needsReconnect } from "./advice";

const hostKey = {
  host: "gpu.example.com",
  port: 2222,
  known_hosts_host: "[gpu.example.com]:2222",
  key_type: "ssh-ed25519",
  fingerprint_sha256: "SHA256:abc",
  public_key: "ssh-ed25519 AAAA",
  reason: "unknown",
};

describe("remoteErrorFromBody", () => {
  it("reads the Remote API's code and words", () => {
    const error = remoteErrorFromBody(401, "Unauthorized", {
      success: false,
      error: "authentication_failed",
      message: "SSH authentication failed for me@h:22 (key)",
    });
    expect([error.status, error.code, error.message]).toEqual([401, "authentication_failed", "SSH authentication failed for me@h:22 (key)"]);
    expect(error.hostKey).toBeNull();
  });

  it("keeps the host key of a 409 to confirm", () => {
    const error = remoteErrorFromBody(409, "Conflict", {
      success: false,
      error: "host_key_confirmation_required",
      message: "The server's host key is not known yet: confirm its fingerprint",
      detail: { code: "HOST_KEY_CONFIRMATION_REQUIRED", message: "…", host_key: hostKey },
    });
    expect(error.code).toBe("host_key_confirmation_required");
    expect(error.hostKey).toEqual(hostKey);
  });

  it("understands the config API's and the rate limiter's {detail}", () => {
    const missing = remoteErrorFromBody(404, "Not Found", { detail: "Connection not found: h:22@me" });
    const limited = remoteErrorFromBody(429, "Too Many Requests", { detail: "Rate limit exceeded; retry in 42 s", retry_after: 42 });
    const html = remoteErrorFromBody(502, "Bad Gateway", null);
    expect([missing.code, missing.message]).toEqual(["not_found", "Connection not found: h:22@me"]);
    expect([limited.code, limited.retryAfter]).toEqual(["rate_limited", 42]);
    expect([html.code, html.message]).toEqual(["server_error", "502 Bad Gateway"]);
  });
});

describe("adviceFor", () => {
  const error = (status: number, code: string, message = "words") => new RemoteApiError(status, code, message);

  it("asks for the fingerprint when the host key is unknown, warns when it changed", () => {
    expect(adviceFor(new RemoteApiError(409, "host_key_confirmation_required", "m", hostKey)).kind).toBe("hostKey");
    expect(adviceFor(new RemoteApiError(409, "host_key_confirmation_required", "m", { ...hostKey, reason: "changed" })).kind).toBe(
      "hostKeyChanged",
    );
  });

  it("words a refused login for the way the user logged in", () => {
    expect(adviceFor(error(401, "authentication_failed", "SSH authentication failed for u@h:22 (key)"), { authMethod: "key" }).kind).toBe(
      "authKey",
    );
    expect(adviceFor(error(401, "authentication_failed", "SSH authentication failed for u@h:22 (password)"), { authMethod: "password" }).kind).toBe(
      "authPassword",
    );
    expect(adviceFor(error(401, "authentication_failed", "The SSH agent holds no keys"), { authMethod: "agent" }).kind).toBe("authAgent");
    expect(adviceFor(error(401, "authentication_failed", "Cannot decrypt the private key (k): wrong passphrase")).kind).toBe("passphrase");
  });

  it("points at host, port and VPN when the server cannot be reached", () => {
    const timeout = adviceFor(error(408, "connection_timeout"), { host: "gpu", port: 2222 });
    const refused = adviceFor(error(502, "connection_failed"), { host: "gpu" });
    expect([timeout.kind, timeout.values.where]).toEqual(["timeout", "gpu:2222"]);
    expect([refused.kind, refused.values.where]).toEqual(["unreachable", "gpu:22"]);
  });

  it("says how long to wait after too many attempts", () => {
    const advice = adviceFor(new RemoteApiError(429, "rate_limited", "Rate limit exceeded", null, 17));
    expect([advice.kind, advice.values.seconds]).toEqual(["rateLimited", 17]);
  });

  it("tells a missing saved connection from a closed live one", () => {
    expect(adviceFor(error(404, "connection_not_found", "No saved connection 'h:22@me'")).kind).toBe("savedMissing");
    const gone = adviceFor(error(404, "connection_not_found", "No connection 'conn_1234abcd'; POST /api/remote/connect first"));
    expect(gone.kind).toBe("gone");
    expect(needsReconnect(gone)).toBe(true);
    expect(needsReconnect(adviceFor(error(409, "connection_lost")))).toBe(true);
    expect(needsReconnect(adviceFor(error(401, "authentication_failed")))).toBe(false);
  });

  it("maps the viewer's own failures and unknown ones", () => {
    expect(adviceFor(error(502, "viewer_start_failed")).kind).toBe("viewerFailed");
    expect(adviceFor(error(504, "viewer_start_timeout")).kind).toBe("viewerTimeout");
    expect(adviceFor(error(0, "viewer_unreachable")).kind).toBe("localViewer");
    expect(adviceFor(error(500, "something_new")).kind).toBe("server");
    expect(adviceFor(error(418, "something_new")).kind).toBe("unknown");
    expect(adviceFor(new TypeError("boom")).message).toBe("boom");
  });

  it("has words for every kind", () => {
    for (const kind of ADVICE_KINDS) {
      expect(en.remote.errors[kind].title, kind).toBeTruthy();
      expect(en.remote.errors[kind].advice, kind).toBeTruthy();
    }
  });
});
