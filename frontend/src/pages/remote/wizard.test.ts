import { describe, expect, it } from "vitest";
import type { RemoteConnection, RemoteEnvironment } from "../../api/remote";
import { STEP_INDEX, activeConnection, defaultEnvironment, initialState, wizardReducer, type WizardState } from "./wizard";

const connection = (over: Partial<RemoteConnection> = {}): RemoteConnection => ({
  connection_id: "conn_0123abcd",
  host: "gpu",
  port: 22,
  username: "me",
  auth_method: "key",
  status: "connected",
  created_at: null,
  connected_at: null,
  last_ping: null,
  server_info: { hostname: "gpu", os: "Linux", kernel: "6.1", python_version: "3.11.2" },
  viewer: null,
  ...over,
});

const viewer = { status: "running", local_port: 40000, remote_port: 41000, url: "http://127.0.0.1:40000" };

const env = (name: string, over: Partial<RemoteEnvironment> = {}): RemoteEnvironment => ({
  name,
  type: "venv",
  python_path: `/home/me/.venvs/${name}/bin/python`,
  python_version: "3.11.2",
  runicorn_installed: true,
  runicorn_version: "0.6.0",
  viewer_installed: true,
  storage_root: "/home/me/.runicorn",
  storage_root_source: "default",
  user_root_dir: null,
  config_file: "/home/me/.config/runicorn/config.json",
  ...over,
});

const hostKey = {
  host: "gpu",
  port: 22,
  known_hosts_host: "gpu",
  key_type: "ssh-ed25519",
  fingerprint_sha256: "SHA256:x",
  public_key: "ssh-ed25519 AAAA",
  reason: "unknown",
};

const run = (...actions: Parameters<typeof wizardReducer>[1][]): WizardState => actions.reduce(wizardReducer, initialState);

describe("wizardReducer", () => {
  it("goes connect → environment → review → panel", () => {
    const state = run({ type: "connected", connection: connection() }, { type: "envChosen", env: env("a") }, { type: "viewerStarted" });
    expect(state.step).toBe("panel");
    expect(state.env?.name).toBe("a");
    expect(STEP_INDEX[state.step]).toBe(4);
  });

  it("stops at the host key and carries the request to repeat after it is trusted", () => {
    const pending = { request: { host: "gpu", username: "me", password: "s" }, save: null, hostKey };
    const asked = run({ type: "hostKeyRequired", pending });
    expect([asked.step, asked.pending]).toEqual(["hostKey", pending]);
    const trusted = wizardReducer(wizardReducer(asked, { type: "hostKeyAccepted" }), { type: "connected", connection: connection() });
    expect([trusted.step, trusted.pending, trusted.hostKeyConfirmed]).toEqual(["environment", null, true]);
    const cancelled = wizardReducer(asked, { type: "hostKeyCancelled" });
    expect([cancelled.step, cancelled.pending]).toEqual(["connect", null]);
  });

  it("goes straight to the panel when a session is active on load, or after reconnecting to it", () => {
    const withViewer = connection({ viewer });
    expect(run({ type: "resume", connections: [connection({ connection_id: "conn_00000001" }), withViewer] }).connection).toBe(withViewer);
    expect(run({ type: "resume", connections: [withViewer] }).step).toBe("panel");
    expect(run({ type: "resume", connections: [connection()] }).step).toBe("environment");
    expect(run({ type: "resume", connections: [] })).toEqual({ ...initialState, resumed: true });
    expect(run({ type: "connected", connection: withViewer }).step).toBe("panel");
  });

  it("looks at the sessions of the first load only", () => {
    const inReview = run({ type: "connected", connection: connection() }, { type: "envChosen", env: env("a") });
    expect(wizardReducer(inReview, { type: "resume", connections: [connection({ viewer })] }).step).toBe("review");
    // "Connect again" from the panel of a lost connection: the refetch that follows lists it still.
    const lost = connection({ status: "disconnected", viewer });
    const panel = run({ type: "resume", connections: [lost] });
    expect(panel.step).toBe("panel");
    const again = wizardReducer(panel, { type: "reconnect" });
    expect(wizardReducer(again, { type: "resume", connections: [lost] }).step).toBe("connect");
  });

  it("goes back from review, starts again from the panel, and forgets everything on disconnect", () => {
    const inReview = run({ type: "connected", connection: connection() }, { type: "envChosen", env: env("a") });
    expect(wizardReducer(inReview, { type: "back" }).step).toBe("environment");
    const panel = wizardReducer(inReview, { type: "viewerStarted" });
    expect(wizardReducer(panel, { type: "startAgain" }).step).toBe("environment");
    expect(wizardReducer(panel, { type: "disconnected" })).toEqual({ ...initialState, resumed: true });
    expect(wizardReducer(panel, { type: "reconnect" }).step).toBe("connect");
  });

  it("refuses steps that need a connection without one", () => {
    expect(run({ type: "envChosen", env: env("a") })).toEqual(initialState);
    expect(run({ type: "viewerStarted" })).toEqual(initialState);
  });
});

describe("environments", () => {
  it("preselects the first environment that can run the viewer", () => {
    const envs = [env("bare", { runicorn_installed: false, runicorn_version: null, viewer_installed: false }), env("sdk-only", { viewer_installed: false }), env("full")];
    expect(defaultEnvironment(envs)?.name).toBe("full");
    expect(defaultEnvironment(envs.slice(0, 2))).toBeNull();
  });

  it("prefers a session with a viewer over a plain connection", () => {
    expect(activeConnection([connection({ status: "disconnected" })])).toBeNull();
  });
});
