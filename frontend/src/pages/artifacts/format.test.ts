import { describe, expect, it } from "vitest";
import { artifactPath, fileUrl, parseVersionSegment, versionPath, type ArtifactItem, type ArtifactStats } from "../../api/artifacts";
import { aliasList, filterArtifacts, formatRatio, typeRows } from "./format";

const item = (name: string): ArtifactItem => ({
  name, type: "model", num_versions: 1, latest_version: 1, size_bytes: 1, created_at: 0, updated_at: 0, aliases: {},
});

describe("formatRatio", () => {
  it("shows a share as a percentage", () => {
    expect(formatRatio(0.5)).toBe("50%");
    expect(formatRatio(0.0456)).toBe("4.6%");
    expect(formatRatio(1)).toBe("100%");
  });

  it("says nothing was saved for 0, missing or odd values, and <0.1% for a sliver", () => {
    expect(formatRatio(0)).toBe("0%");
    expect(formatRatio(null)).toBe("0%");
    expect(formatRatio(Number.NaN)).toBe("0%");
    expect(formatRatio(0.0003)).toBe("<0.1%");
  });
});

describe("filterArtifacts", () => {
  const items = [item("resnet50-imagenet"), item("bert-base"), item("ResNet18")];

  it("keeps names containing every word, case-insensitively", () => {
    expect(filterArtifacts(items, "resnet").map((i) => i.name)).toEqual(["resnet50-imagenet", "ResNet18"]);
    expect(filterArtifacts(items, " resnet  image ").map((i) => i.name)).toEqual(["resnet50-imagenet"]);
  });

  it("keeps everything for an empty search", () => {
    expect(filterArtifacts(items, "  ")).toHaveLength(3);
  });
});

describe("aliasList", () => {
  it("lists the newest versions first", () => {
    expect(aliasList({ best: 1, latest: 3, production: 3 })).toEqual([
      { alias: "latest", version: 3 },
      { alias: "production", version: 3 },
      { alias: "best", version: 1 },
    ]);
  });
});

describe("typeRows", () => {
  it("orders types by size, largest first", () => {
    const stats = {
      by_type: { dataset: { count: 1, versions: 1, size_bytes: 10 }, model: { count: 2, versions: 5, size_bytes: 500 } },
    } as unknown as ArtifactStats;
    expect(typeRows(stats).map((r) => r.type)).toEqual(["model", "dataset"]);
  });
});

describe("URLs", () => {
  it("encodes names and each segment of a file path, keeping the slashes", () => {
    expect(fileUrl("my model", 2, "sub dir/a#b.bin", "model")).toBe("/api/artifacts/my%20model/v2/files/sub%20dir/a%23b.bin?type=model");
    expect(fileUrl("m", 1, "w.bin")).toBe("/api/artifacts/m/v1/files/w.bin");
  });

  it("builds page paths with the type when known", () => {
    expect(artifactPath("resnet", "model")).toBe("/artifacts/resnet?type=model");
    expect(versionPath("resnet", 3)).toBe("/artifacts/resnet/v3");
  });

  it("reads a version route segment", () => {
    expect(parseVersionSegment("v3")).toBe(3);
    expect(parseVersionSegment("v0")).toBeNull();
    expect(parseVersionSegment("3")).toBeNull();
    expect(parseVersionSegment("v3x")).toBeNull();
    expect(parseVersionSegment(undefined)).toBeNull();
  });
});
