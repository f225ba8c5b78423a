/**
 * The connect form's values and the requests made from them. A saved connection's secrets never
 * come back to the browser: when the form still describes the saved connection, the request names
 * it (`saved_key`) and the server uses what it stored.
 */
import type { ConnectRequest } from "../../api/remote";
import type { AuthMethod, ConnectionInput, SavedConnection } from "../../api/settings";

export interface ConnectForm {
  host: string;
  port: number | string;
  username: string;
  authMethod: AuthMethod;
  keyPath: string;
  password: string;
  passphrase: string;
  save: boolean;
  remember: boolean;
  name: string;
}

export type FormErrors = Partial<Record<"host" | "port" | "username" | "password", "required" | "port">>;

/** The target to fill in when the form is empty (connecting again to a known connection). */
export interface Prefill {
  host: string;
  port: number;
  username: string;
}

export function emptyForm(prefill: Prefill | null = null): ConnectForm {
  return {
    host: prefill?.host ?? "",
    port: prefill?.port ?? 22,
    username: prefill?.username ?? "",
    authMethod: "key",
    keyPath: "",
    password: "",
    passphrase: "",
    save: false,
    remember: false,
    name: "",
  };
}

/** The form filled from a saved connection (secrets stay empty: the server keeps them). */
export function formFromSaved(saved: SavedConnection): ConnectForm {
  return {
    ...emptyForm(),
    host: saved.host,
    port: saved.port,
    username: saved.username,
    authMethod: saved.auth_method,
    keyPath: saved.private_key_path ?? "",
    name: saved.name,
  };
}

export function portOf(form: ConnectForm): number | null {
  const port = typeof form.port === "number" ? form.port : Number(form.port.trim() || "22");
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? port : null;
}

/** Whether the form still describes `saved` (same target and way of logging in). */
export function describesSaved(form: ConnectForm, saved: SavedConnection | null): saved is SavedConnection {
  return (
    saved !== null &&
    form.host.trim() === saved.host &&
    portOf(form) === saved.port &&
    form.username.trim() === saved.username &&
    form.authMethod === saved.auth_method &&
    form.keyPath.trim() === (saved.private_key_path ?? "")
  );
}

/** Whether the server holds the secret this form's method needs, so the field may stay empty. */
export function savedSecret(form: ConnectForm, saved: SavedConnection | null): boolean {
  if (!describesSaved(form, saved)) return false;
  return form.authMethod === "password" ? saved.has_password : saved.has_passphrase || saved.has_private_key;
}

export function validateForm(form: ConnectForm, saved: SavedConnection | null): FormErrors {
  const errors: FormErrors = {};
  if (!form.host.trim()) errors.host = "required";
  if (!form.username.trim()) errors.username = "required";
  if (portOf(form) === null) errors.port = "port";
  if (form.authMethod === "password" && !form.password && !savedSecret(form, saved)) errors.password = "required";
  return errors;
}

/** The body of `POST /api/remote/connect` for a valid form. */
export function connectRequestOf(form: ConnectForm, saved: SavedConnection | null): ConnectRequest {
  const typed = {
    ...(form.authMethod === "password" && form.password ? { password: form.password } : {}),
    ...(form.authMethod === "key" && form.passphrase ? { passphrase: form.passphrase } : {}),
  };
  if (saved && savedSecret(form, saved)) return { saved_key: saved.key, username: saved.username, timeout: 15, ...typed };
  return {
    host: form.host.trim(),
    port: portOf(form) ?? 22,
    username: form.username.trim(),
    auth_method: form.authMethod,
    ...(form.authMethod === "key" && form.keyPath.trim() ? { private_key_path: form.keyPath.trim() } : {}),
    timeout: 15,
    ...typed,
  };
}

/** The body that saves the form's connection, or null when the user did not ask to. */
export function saveRequestOf(form: ConnectForm): ConnectionInput | null {
  if (!form.save) return null;
  const remember = form.remember && form.authMethod !== "agent";
  return {
    host: form.host.trim(),
    port: portOf(form) ?? 22,
    username: form.username.trim(),
    name: form.name.trim(),
    auth_method: form.authMethod,
    ...(form.authMethod === "key" && form.keyPath.trim() ? { private_key_path: form.keyPath.trim() } : {}),
    remember_password: remember,
    ...(remember && form.authMethod === "password" && form.password ? { password: form.password } : {}),
    ...(remember && form.authMethod === "key" && form.passphrase ? { passphrase: form.passphrase } : {}),
  };
}

/** The form with `prefill`'s target when it has none yet; typed secrets are dropped either way. */
export function refill(form: ConnectForm, prefill: Prefill | null): ConnectForm {
  const cleared = { ...form, password: "", passphrase: "" };
  return form.host.trim() || !prefill ? cleared : { ...cleared, ...emptyForm(prefill), authMethod: form.authMethod };
}
