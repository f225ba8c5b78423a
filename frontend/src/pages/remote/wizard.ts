/**
 * The Remote page's steps as a pure reducer: connect → (confirm the host key) → pick an
 * environment → review and start → the session panel. The page renders what the state says.
 */
import type {
  ConnectRequest,
  HostKey,
  RemoteConnection,
  RemoteEnvironment,
} from "../../api/remote";
import type { ConnectionInput } from "../../api/settings";

export type Step = "connect" | "hostKey" | "environment" | "review" | "panel";

/** Index of each step in the Stepper; the panel is its "completed" content. */
export const STEP_INDEX: Record<Step, number> = { connect: 0, hostKey: 1, environment: 2, review: 3, panel: 4 };

/** A connect request waiting for the user to confirm the server's host key. */
export interface PendingConnect {
  request: ConnectRequest;
  save: ConnectionInput | null;
  hostKey: HostKey;
}

export interface WizardState {
  step: Step;
  connection: RemoteConnection | null;
  pending: PendingConnect | null;
  env: RemoteEnvironment | null;
  /** Whether the host key step was passed through (to mark it "confirmed" or "already known"). */
  hostKeyConfirmed: boolean;
  /** Whether the sessions open on page load were looked at (only that first answer counts). */
  resumed: boolean;
}

export type WizardAction =
  | { type: "resume"; connections: RemoteConnection[] }
  | { type: "hostKeyRequired"; pending: PendingConnect }
  | { type: "hostKeyCancelled" }
  | { type: "hostKeyAccepted" }
  | { type: "connected"; connection: RemoteConnection }
  | { type: "envChosen"; env: RemoteEnvironment }
  | { type: "back" }
  | { type: "viewerStarted" }
  | { type: "startAgain" }
  | { type: "reconnect" }
  | { type: "disconnected" };

export const initialState: WizardState = {
  step: "connect",
  connection: null,
  pending: null,
  env: null,
  hostKeyConfirmed: false,
  resumed: false,
};

/** The session to show when the page opens: one with a remote viewer, else a connected one. */
export function activeConnection(connections: RemoteConnection[]): RemoteConnection | null {
  return (
    connections.find((c) => c.viewer !== null) ??
    connections.find((c) => c.status === "connected") ??
    null
  );
}

export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
  switch (action.type) {
    case "resume": {
      // Only the first answer: a refetch neither throws away a wizard in progress nor sends the
      // user who asked to connect again back to the panel of the lost connection.
      if (state.resumed) return state;
      const connection = state.step === "connect" && !state.connection ? activeConnection(action.connections) : null;
      if (!connection) return { ...state, resumed: true };
      return { ...initialState, resumed: true, connection, step: connection.viewer ? "panel" : "environment" };
    }
    case "hostKeyRequired":
      return { ...state, step: "hostKey", pending: action.pending };
    case "hostKeyCancelled":
      return { ...state, step: "connect", pending: null };
    case "hostKeyAccepted":
      return { ...state, hostKeyConfirmed: true };
    case "connected":
      // A reconnect to a connection whose viewer still runs goes back to its panel.
      return {
        ...state,
        connection: action.connection,
        pending: null,
        step: action.connection.viewer ? "panel" : "environment",
      };
    case "envChosen":
      return state.connection ? { ...state, env: action.env, step: "review" } : state;
    case "back":
      return state.step === "review" ? { ...state, step: "environment" } : state;
    case "viewerStarted":
      return state.connection ? { ...state, step: "panel" } : state;
    case "startAgain":
      return state.connection ? { ...state, step: "environment" } : state;
    case "reconnect":
    case "disconnected":
      return { ...initialState, resumed: true };
  }
}

/** The environment to preselect: the first one that can run the viewer. */
export function defaultEnvironment(envs: RemoteEnvironment[]): RemoteEnvironment | null {
  return envs.find((e) => e.runicorn_installed && e.viewer_installed) ?? null;
}

/** Whether an environment can start the remote viewer. */
export function canRunViewer(env: RemoteEnvironment): boolean {
  return env.runicorn_installed && env.viewer_installed;
}
