import { describe, expect, it } from "vitest";
import type { SavedConnection } from "../../api/settings";
import { connectRequestOf, emptyForm, formFromSaved, refill, saveRequestOf, validateForm, type ConnectForm } from "./form";

const saved: SavedConnection = {
  key: "gpu:2222@me",
  host: "gpu",
  port: 2222,
  username: "me",
  name: "lab",
  auth_method: "password",
  remember_password: true,
  saved_at: "2025-01-01T00:00:00+00:00",
  has_password: true,
  has_private_key: false,
  has_passphrase: false,
};

const form = (over: Partial<ConnectForm> = {}): ConnectForm => ({ ...emptyForm(), host: "gpu", username: "me", ...over });

describe("connect form", () => {
  it("requires host, user, a valid port and a password for password logins", () => {
    expect(validateForm(emptyForm(), null)).toEqual({ host: "required", username: "required" });
    expect(validateForm(form({ port: "70000" }), null)).toEqual({ port: "port" });
    expect(validateForm(form({ authMethod: "password" }), null)).toEqual({ password: "required" });
    expect(validateForm(form({ port: "" }), null)).toEqual({});
  });

  it("sends the typed fields, the key path only for key logins", () => {
    expect(connectRequestOf(form({ port: "2200", keyPath: " ~/.ssh/lab ", passphrase: "pp" }), null)).toEqual({
      host: "gpu",
      port: 2200,
      username: "me",
      auth_method: "key",
      private_key_path: "~/.ssh/lab",
      passphrase: "pp",
      timeout: 15,
    });
    expect(connectRequestOf(form({ authMethod: "agent", keyPath: "x", password: "p" }), null)).toEqual({
      host: "gpu",
      port: 22,
      username: "me",
      auth_method: "agent",
      timeout: 15,
    });
  });

  it("names a saved connection instead of its secret, which never comes back to the form", () => {
    const filled = formFromSaved(saved);
    expect([filled.password, filled.passphrase]).toEqual(["", ""]);
    expect(validateForm(filled, saved)).toEqual({});
    expect(connectRequestOf(filled, saved)).toEqual({ saved_key: "gpu:2222@me", username: "me", timeout: 15 });
    // A typed password overrides the saved one; a changed target is not the saved connection.
    expect(connectRequestOf({ ...filled, password: "new" }, saved)).toMatchObject({ saved_key: "gpu:2222@me", password: "new" });
    expect(connectRequestOf({ ...filled, host: "other", password: "p" }, saved)).toMatchObject({ host: "other", password: "p" });
    expect(validateForm({ ...filled, username: "you" }, saved)).toEqual({ password: "required" });
  });

  it("saves only when asked, and the secret only when it is to be remembered", () => {
    expect(saveRequestOf(form())).toBeNull();
    expect(saveRequestOf(form({ save: true, authMethod: "password", password: "p" }))).toEqual({
      host: "gpu",
      port: 22,
      username: "me",
      name: "",
      auth_method: "password",
      remember_password: false,
    });
    expect(saveRequestOf(form({ save: true, remember: true, authMethod: "password", password: "p", name: " lab " }))).toMatchObject({
      name: "lab",
      remember_password: true,
      password: "p",
    });
    expect(saveRequestOf(form({ save: true, remember: true, authMethod: "agent" }))?.remember_password).toBe(false);
  });

  it("fills an empty form with the connection to reconnect, and drops typed secrets", () => {
    expect(refill(emptyForm(), { host: "gpu", port: 2222, username: "me" })).toMatchObject({ host: "gpu", port: 2222, username: "me" });
    expect(refill(form({ host: "typed", password: "p" }), { host: "gpu", port: 22, username: "me" })).toMatchObject({ host: "typed", password: "" });
  });
});
