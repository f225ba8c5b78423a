import { cleanup, fireEvent, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryRouter } from "react-router-dom";
import type { ArtifactStats, VersionFiles } from "../../api/artifacts";
import { renderApp } from "../../test/render";
import { DeleteVersionDialog } from "./DeleteVersionDialog";
import { FilesTables } from "./FilesPanel";
import { StorageFigures } from "./StoragePanel";

afterEach(cleanup);

const props = { spec: "resnet:v2", busy: false, error: null, refusal: null, onCancel: () => undefined };

describe("DeleteVersionDialog", () => {
  it("confirms a soft delete with one click", async () => {
    const onConfirm = vi.fn();
    await renderApp(<DeleteVersionDialog {...props} mode="soft" onConfirm={onConfirm} />);
    expect(screen.getByText("Delete resnet:v2?")).toBeTruthy();
    fireEvent.click(screen.getByTestId("delete-confirm"));
    expect(onConfirm).toHaveBeenCalledWith("soft");
  });

  it("allows a permanent delete only once the spec is typed exactly", async () => {
    const onConfirm = vi.fn();
    await renderApp(<DeleteVersionDialog {...props} mode="permanent" onConfirm={onConfirm} />);
    const button = screen.getByTestId("delete-confirm") as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    fireEvent.change(screen.getByTestId("permanent-confirm-input"), { target: { value: "resnet:v1" } });
    expect(button.disabled).toBe(true);
    fireEvent.change(screen.getByTestId("permanent-confirm-input"), { target: { value: "resnet:v2" } });
    expect(button.disabled).toBe(false);
    fireEvent.click(button);
    expect(onConfirm).toHaveBeenCalledWith("permanent");
  });

  it("says why a member may not delete permanently and keeps the button off", async () => {
    await renderApp(<DeleteVersionDialog {...props} mode="permanent" refusal="Only an admin may delete permanently" onConfirm={() => undefined} />);
    fireEvent.change(screen.getByTestId("permanent-confirm-input"), { target: { value: "resnet:v2" } });
    expect((screen.getByTestId("delete-confirm") as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId("permanent-refusal").textContent).toContain("Only an admin");
  });

  it("shows the API's error in words", async () => {
    await renderApp(<DeleteVersionDialog {...props} mode="soft" error={new Error("resnet:v2 is in use by running run(s) x")} onConfirm={() => undefined} />);
    expect(screen.getByTestId("error").textContent).toContain("in use by running run(s)");
  });

  it("speaks Chinese", async () => {
    await renderApp(<DeleteVersionDialog {...props} mode="permanent" onConfirm={() => undefined} />, "zh");
    expect(screen.getByText("永久删除 resnet:v2？")).toBeTruthy();
  });
});

describe("FilesTables", () => {
  const files: VersionFiles = {
    artifact: "my model:v2",
    files: [
      { path: "weights.bin", size: 2048, digest: "sha256:abcdef0123456789", modified_at: 1, absolute_path: null, is_remote: false },
      { path: "cfg/a b.json", size: 10, digest: "sha256:0011", modified_at: 1, absolute_path: null, is_remote: false },
    ],
    references: [{ uri: "s3://bucket/ckpt", checksum: null, size: 123, metadata: {} }],
    total_size: 2181,
    total_files: 2,
    total_references: 1,
    is_remote: false,
  };

  it("links every file to its download URL", async () => {
    await renderApp(
      <MemoryRouter>
        <FilesTables name="my model" version={2} type="model" files={files} />
      </MemoryRouter>,
    );
    const link = screen.getByTestId("download-cfg/a b.json") as HTMLAnchorElement;
    expect(link.getAttribute("href")).toBe("/api/artifacts/my%20model/v2/files/cfg/a%20b.json?type=model");
    expect(link.hasAttribute("download")).toBe(true);
    expect(screen.getByText("abcdef012345")).toBeTruthy();
    expect(screen.getByTestId("references-table").textContent).toContain("s3://bucket/ckpt");
  });
});

describe("StorageFigures", () => {
  it("shows the totals, what dedup saved, and each type", async () => {
    const stats: ArtifactStats = {
      total_artifacts: 3, total_versions: 7, total_size_bytes: 3 * 1024 * 1024, total_files: 12, dedup_enabled: true,
      dedup_pool_size_bytes: 2 * 1024 * 1024, space_saved_bytes: 1024 * 1024, dedup_ratio: 1 / 3,
      by_type: { model: { count: 2, versions: 6, size_bytes: 3 * 1024 * 1024 }, dataset: { count: 1, versions: 1, size_bytes: 0 } },
    };
    await renderApp(<StorageFigures stats={stats} />);
    expect(screen.getByTestId("stats-versions").textContent).toContain("7");
    expect(screen.getByTestId("stats-dedup-ratio").textContent).toBe("33%");
    expect(screen.getByTestId("stats-saved").textContent).toBe("1.0 MB");
    expect(screen.getByTestId("stats-by-type").querySelectorAll("tbody tr")).toHaveLength(2);
  });
});
