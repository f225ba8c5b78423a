import { cleanup, fireEvent, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api/client";
import type { SavedConnection, ViewerConfig } from "../../api/settings";
import { renderApp } from "../../test/render";
import { ConnectionForm } from "./ConnectionForm";
import { StorageRootForm } from "./StorageRootForm";

afterEach(cleanup);

const config: ViewerConfig = {
  user_root_dir: "",
  storage: "/data/runs",
  config_file: "/home/me/.config/runicorn/config.json",
  version: "0.6.0",
};

function rootForm(props: Partial<Parameters<typeof StorageRootForm>[0]> = {}) {
  const onSave = vi.fn();
  const onEdit = vi.fn();
  return { onSave, onEdit, view: renderApp(<StorageRootForm config={config} saving={false} error={null} switchedTo={null} onSave={onSave} onEdit={onEdit} {...props} />) };
}

describe("StorageRootForm", () => {
  it("shows the root served now, the saved one and the config file", async () => {
    await rootForm().view;
    expect(screen.getByTestId("effective-root").textContent).toBe("/data/runs");
    expect(screen.getByTestId("saved-root").textContent).toBe("none saved");
    expect(screen.getByTestId("config-file").textContent).toBe("/home/me/.config/runicorn/config.json");
  });

  it("shows the API's refusal in its words, with what to try next", async () => {
    const error = new ApiError(400, "Invalid path: path must be absolute, got 'runs/here'");
    await rootForm({ error }).view;
    expect(screen.getByTestId("root-error-detail").textContent).toBe("Invalid path: path must be absolute, got 'runs/here'");
    expect(screen.getByTestId("root-error").textContent).toContain("Nothing was changed. Enter the absolute path");
    expect(screen.queryByTestId("root-switched")).toBeNull();
  });

  it("speaks Chinese around the server's message", async () => {
    const error = new ApiError(400, "Invalid path: /etc is a system directory; choose a directory of your own");
    await renderApp(<StorageRootForm config={config} saving={false} error={error} switchedTo={null} onSave={vi.fn()} onEdit={vi.fn()} />, "zh");
    expect(screen.getByText("查看器拒绝了这个目录")).toBeTruthy();
    expect(screen.getByTestId("root-error-detail").textContent).toBe(error.message);
  });

  it("sends the trimmed path, and only a non-empty one", async () => {
    const { onSave, onEdit, view } = rootForm();
    await view;
    const button = screen.getByTestId("root-save") as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    fireEvent.change(screen.getByTestId("root-input"), { target: { value: "  /srv/other-root  " } });
    expect(onEdit).toHaveBeenCalled();
    fireEvent.click(button);
    expect(onSave).toHaveBeenCalledWith("/srv/other-root");
  });

  it("confirms the switch", async () => {
    await rootForm({ switchedTo: "/srv/other-root" }).view;
    expect(screen.getByTestId("root-switched").textContent).toContain("Now serving /srv/other-root");
  });
});

const saved: SavedConnection = {
  key: "gpu-box:2222@alice",
  host: "gpu-box",
  port: 2222,
  username: "alice",
  name: "GPU box",
  auth_method: "password",
  remember_password: true,
  has_password: true,
  has_private_key: false,
  has_passphrase: false,
};

describe("ConnectionForm", () => {
  it("starts editing with an empty password that keeps the remembered one", async () => {
    const onSave = vi.fn();
    await renderApp(<ConnectionForm initial={saved} saving={false} error={null} onSave={onSave} onCancel={vi.fn()} />);
    const password = screen.getByTestId("conn-password") as HTMLInputElement;
    expect(password.value).toBe("");
    expect(password.placeholder).toBe("set; leave empty to keep it");
    fireEvent.click(screen.getByTestId("conn-save"));
    expect(onSave).toHaveBeenCalledWith({
      name: "GPU box", host: "gpu-box", port: 2222, username: "alice", auth_method: "password", remember_password: true,
    });
  });

  it("warns that a new host does not carry the remembered secrets over", async () => {
    await renderApp(<ConnectionForm initial={saved} saving={false} error={null} onSave={vi.fn()} onCancel={vi.fn()} />);
    expect(screen.queryByTestId("conn-key-changed")).toBeNull();
    fireEvent.change(screen.getByTestId("conn-host"), { target: { value: "other-box" } });
    expect(screen.getByTestId("conn-key-changed")).toBeTruthy();
    expect((screen.getByTestId("conn-password") as HTMLInputElement).placeholder).toBe("");
  });

  it("shows why the server refused to save", async () => {
    const error = new ApiError(400, "Failed to save connection: port must be an integer between 1 and 65535");
    await renderApp(<ConnectionForm initial={null} saving={false} error={error} onSave={vi.fn()} onCancel={vi.fn()} />);
    expect(screen.getByTestId("conn-error").textContent).toContain("port must be an integer between 1 and 65535");
  });
});
