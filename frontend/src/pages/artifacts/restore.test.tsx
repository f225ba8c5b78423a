import { act, cleanup, fireEvent, screen } from "@testing-library/react";
import { MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderApp } from "../../test/render";
import { DeletedBanner } from "./DeletedBanner";
import VersionPage from "./VersionPage";
import { VersionNotice } from "./VersionNotice";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("DeletedBanner", () => {
  it("restores with one click and spins while it does", async () => {
    const onRestore = vi.fn();
    const { rerender } = await renderApp(<DeletedBanner spec="resnet:v2" busy={false} error={null} onRestore={onRestore} />);
    expect(screen.getByTestId("deleted-banner").textContent).toContain("Restore it to list it again");
    expect(screen.getByTestId("deleted-banner").textContent).not.toContain("admin site");
    fireEvent.click(screen.getByTestId("restore-version"));
    expect(onRestore).toHaveBeenCalledTimes(1);
    rerender(
      <MantineProvider>
        <DeletedBanner spec="resnet:v2" busy error={null} onRestore={onRestore} />
      </MantineProvider>,
    );
    const button = screen.getByTestId("restore-version") as HTMLButtonElement;
    expect(button.getAttribute("data-loading")).toBe("true");
    expect(button.disabled).toBe(true);
    expect(screen.queryByTestId("restore-error")).toBeNull();
  });

  it("says in words why a restore failed and what to do", async () => {
    await renderApp(<DeletedBanner spec="resnet:v2" busy={false} error={new Error("resnet:v2 is not deleted; there is nothing to restore")} onRestore={() => undefined} />);
    const error = screen.getByTestId("restore-error").textContent ?? "";
    expect(error).toContain("Could not restore resnet:v2. Reload the page");
    expect(error).toContain("there is nothing to restore");
  });

  it("speaks Chinese", async () => {
    await renderApp(<DeletedBanner spec="resnet:v2" busy={false} error={null} onRestore={() => undefined} />, "zh");
    expect(screen.getByTestId("restore-version").textContent).toBe("恢复");
    expect(screen.getByTestId("deleted-banner").textContent).not.toContain("管理后台");
  });
});

describe("VersionNotice", () => {
  it("offers Undo only after a soft delete", async () => {
    const onUndo = vi.fn();
    const { rerender } = await renderApp(
      <VersionNotice notice={{ text: "resnet:v2 is deleted", undoable: true }} busy={false} onUndo={onUndo} onClose={() => undefined} />,
    );
    fireEvent.click(screen.getByTestId("undo-delete"));
    expect(onUndo).toHaveBeenCalledTimes(1);
    rerender(
      <MantineProvider>
        <VersionNotice notice={{ text: "resnet:v2 is restored", undoable: false }} busy={false} onUndo={onUndo} onClose={() => undefined} />
      </MantineProvider>,
    );
    expect(screen.queryByTestId("undo-delete")).toBeNull();
  });
});

/**
 * The version page against a fake viewer at the network boundary: one version whose `deleted`
 * flag the DELETE and restore calls flip, as the real API does; `refuseRestore` answers 409.
 */
function fakeViewer(initiallyDeleted: boolean, refuseRestore = false) {
  let deleted = initiallyDeleted;
  const calls: string[] = [];
  let releaseRestore: () => void = () => undefined;
  const restoreGate = new Promise<void>((resolve) => {
    releaseRestore = resolve;
  });
  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const method = init?.method ?? "GET";
    calls.push(`${method} ${url}`);
    if (url.startsWith("/api/auth/me")) return json({ authenticated: false, auth_required: false, user: null });
    if (url.includes("/restore")) {
      await restoreGate;
      if (refuseRestore) return json({ detail: "resnet:v2 is not deleted; there is nothing to restore" }, 409);
      deleted = false;
      return json({ success: true, message: "Restored resnet:v2" });
    }
    if (method === "DELETE") {
      deleted = true;
      return json({ success: true, message: "Soft deleted resnet:v2 locally" });
    }
    if (url.includes("/files")) {
      return json({ artifact: "resnet:v2", files: [], references: [], total_size: 0, total_files: 0, total_references: 0, is_remote: false });
    }
    return json({
      name: "resnet", type: "model", version: 2, created_at: 1, updated_at: 1, created_by_run: null, created_by_user: null,
      size_bytes: 0, num_files: 0, num_references: 0, status: deleted ? "deleted" : "ready", metadata: {}, description: "",
      tags: [], aliases: [], manifest_digest: null, parent_artifacts: [],
    });
  });
  vi.stubGlobal("fetch", fetch);
  return { calls, releaseRestore };
}

async function openVersionPage() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  await renderApp(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={["/artifacts/resnet/v2?type=model"]}>
        <Routes>
          <Route path="/artifacts/:name/:version" element={<VersionPage />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe("VersionPage restore", () => {
  it("restores a deleted version from its banner, spinning until the viewer answers", async () => {
    const viewer = fakeViewer(true);
    await openVersionPage();
    const button = await screen.findByTestId("restore-version");
    fireEvent.click(button);
    await vi.waitFor(() => expect(screen.getByTestId("restore-version").getAttribute("data-loading")).toBe("true"));
    await act(async () => viewer.releaseRestore());
    await vi.waitFor(() => expect(screen.getByTestId("version-notice").textContent).toContain("resnet:v2 is restored"));
    await vi.waitFor(() => expect(screen.queryByTestId("deleted-banner")).toBeNull());
    expect(screen.queryByTestId("undo-delete")).toBeNull();
    expect(screen.getByTestId("delete-soft")).toBeTruthy();
    expect(viewer.calls).toContain("POST /api/artifacts/resnet/v2/restore?type=model");
  });

  it("undoes a soft delete from the notice", async () => {
    const viewer = fakeViewer(false);
    viewer.releaseRestore();
    await openVersionPage();
    fireEvent.click(await screen.findByTestId("delete-soft"));
    fireEvent.click(await screen.findByTestId("delete-confirm"));
    await vi.waitFor(() => expect(screen.getByTestId("version-notice").textContent).toContain("resnet:v2 is deleted"));
    await screen.findByTestId("deleted-banner");
    fireEvent.click(screen.getByTestId("undo-delete"));
    await vi.waitFor(() => expect(screen.getByTestId("version-notice").textContent).toContain("resnet:v2 is restored"));
    await vi.waitFor(() => expect(screen.queryByTestId("deleted-banner")).toBeNull());
  });

  it("shows the viewer's refusal in the banner and keeps the version deleted", async () => {
    const viewer = fakeViewer(true, true);
    viewer.releaseRestore();
    await openVersionPage();
    fireEvent.click(await screen.findByTestId("restore-version"));
    await vi.waitFor(() => expect(screen.getByTestId("restore-error").textContent).toContain("there is nothing to restore"));
    expect(screen.getByTestId("deleted-banner")).toBeTruthy();
    expect(screen.queryByTestId("version-notice")).toBeNull();
  });
});
