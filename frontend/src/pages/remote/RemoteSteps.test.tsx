import { cleanup, fireEvent, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RemoteApiError, type HostKey } from "../../api/remote";
import { renderApp } from "../../test/render";
import { HostKeyStep } from "./HostKeyStep";
import { RemoteErrorAlert } from "./RemoteErrorAlert";

afterEach(cleanup);

const hostKey: HostKey = {
  host: "gpu.example.com",
  port: 2222,
  known_hosts_host: "[gpu.example.com]:2222",
  key_type: "ssh-ed25519",
  fingerprint_sha256: "SHA256:n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg",
  public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
  reason: "unknown",
};

describe("HostKeyStep", () => {
  it("shows the fingerprint and key type, and trusts only when asked", async () => {
    const onAccept = vi.fn();
    const onCancel = vi.fn();
    await renderApp(<HostKeyStep hostKey={hostKey} busy={false} error={null} onAccept={onAccept} onCancel={onCancel} />);
    expect(screen.getByTestId("host-key-fingerprint").textContent).toBe(hostKey.fingerprint_sha256);
    expect(screen.getByTestId("host-key-type").textContent).toBe("ssh-ed25519");
    expect(screen.getByText("Is this the server you mean?")).toBeTruthy();
    expect(onAccept).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId("host-key-cancel"));
    expect(onCancel).toHaveBeenCalledOnce();
    fireEvent.click(screen.getByTestId("host-key-accept"));
    expect(onAccept).toHaveBeenCalledOnce();
  });

  it("warns about a changed key with both fingerprints", async () => {
    const changed = { ...hostKey, reason: "changed", expected_fingerprint_sha256: "SHA256:old", expected_key_type: "ssh-rsa" };
    await renderApp(<HostKeyStep hostKey={changed} busy={false} error={null} onAccept={() => undefined} onCancel={() => undefined} />, "zh");
    expect(screen.getByText("服务器的主机密钥已改变")).toBeTruthy();
    expect(screen.getByTestId("host-key-expected").textContent).toBe("ssh-rsa SHA256:old");
    expect(screen.getByTestId("host-key-accept").textContent).toBe("替换记录的密钥并连接");
  });
});

describe("RemoteErrorAlert", () => {
  it("says what failed, in the server's words, and what to try next", async () => {
    const error = new RemoteApiError(502, "connection_failed", "Cannot connect to gpu:2200: Connection refused");
    await renderApp(<RemoteErrorAlert error={error} context={{ host: "gpu", port: 2200 }} />);
    expect(screen.getByText("Cannot reach the server")).toBeTruthy();
    expect(screen.getByTestId("remote-error-message").textContent).toBe("Cannot connect to gpu:2200: Connection refused");
    expect(screen.getByTestId("remote-error-advice").textContent).toContain("Nothing accepted a connection at gpu:2200");
    expect(screen.getByTestId("remote-error").getAttribute("data-kind")).toBe("unreachable");
  });

  it("shows a remote viewer's output as a block, in Chinese too", async () => {
    const error = new RemoteApiError(502, "viewer_start_failed", "The remote viewer exited during start:\nTraceback ...\nImportError: x");
    await renderApp(<RemoteErrorAlert error={error} />, "zh");
    expect(screen.getByText("远程查看器无法启动")).toBeTruthy();
    const message = screen.getByTestId("remote-error-message");
    expect(message.tagName).toBe("PRE");
    expect(message.textContent).toContain("ImportError: x");
    expect(screen.getByTestId("remote-error-advice").textContent).toContain("可以尝试");
  });
});
