import { describe, expect, it } from "vitest";
import type { Lineage } from "../../../api/artifacts";
import { NODE_HEIGHT, NODE_WIDTH, describeNode, layoutLineage, parseArtifactNodeId } from "./layout";

// raw:v1 → (clean run) → clean:v1 → (train run) → model:v1 → (eval run); the page is model:v1.
const lineage: Lineage = {
  root_artifact: "model:v1",
  nodes: [
    { node_type: "artifact", node_id: "model:v1", label: "model v1", metadata: { type: "model", size: 10, created_at: 1 } },
    { node_type: "run", node_id: "run:20250101_000000_aaaaaa", label: "Run 20250101_000000_...", metadata: { run_id: "20250101_000000_aaaaaa", project: "p", name: "train", status: "finished" } },
    { node_type: "artifact", node_id: "clean:v1", label: "clean v1", metadata: { type: "dataset", size: 5, created_at: 1 } },
    { node_type: "run", node_id: "run:20250101_000000_bbbbbb", label: "Run 20250101_000000_...", metadata: { run_id: "20250101_000000_bbbbbb" } },
    { node_type: "artifact", node_id: "raw:v1", label: "raw v1", metadata: { type: "dataset", size: 5, created_at: 1 } },
    { node_type: "run", node_id: "run:20250101_000000_cccccc", label: "Run 20250101_000000_...", metadata: { run_id: "20250101_000000_cccccc", project: "p", name: "eval" } },
  ],
  edges: [
    { source: "run:20250101_000000_aaaaaa", target: "model:v1", edge_type: "produces", created_at: 1 },
    { source: "clean:v1", target: "run:20250101_000000_aaaaaa", edge_type: "uses", created_at: 1 },
    { source: "run:20250101_000000_bbbbbb", target: "clean:v1", edge_type: "produces", created_at: 1 },
    { source: "raw:v1", target: "run:20250101_000000_bbbbbb", edge_type: "uses", created_at: 1 },
    { source: "model:v1", target: "run:20250101_000000_cccccc", edge_type: "uses", created_at: 1 },
  ],
};

describe("parseArtifactNodeId", () => {
  it("splits name and version at the last :v", () => {
    expect(parseArtifactNodeId("model:v12")).toEqual({ name: "model", version: 12 });
    expect(parseArtifactNodeId("my-data.v2:v3")).toEqual({ name: "my-data.v2", version: 3 });
  });

  it("refuses what is not a version node", () => {
    expect(parseArtifactNodeId("run:20250101_000000_aaaaaa")).toBeNull();
    expect(parseArtifactNodeId("model:vx")).toBeNull();
    expect(parseArtifactNodeId(":v1")).toBeNull();
  });
});

describe("describeNode", () => {
  it("links a run to its run page and names it by project and name", () => {
    const data = describeNode(lineage.nodes[1]!, "model:v1");
    expect(data).toMatchObject({ kind: "run", title: "p / train", subtitle: "20250101_000000_aaaaaa", href: "/runs/20250101_000000_aaaaaa", root: false });
  });

  it("falls back to the API's label for a run the index does not know", () => {
    expect(describeNode(lineage.nodes[3]!, "model:v1").title).toBe("Run 20250101_000000_...");
  });

  it("links a version to its version page with its type, and marks the page's own version", () => {
    expect(describeNode(lineage.nodes[0]!, "model:v1")).toMatchObject({ kind: "artifact", title: "model v1", href: "/artifacts/model/v1?type=model", root: true });
    expect(describeNode(lineage.nodes[2]!, "model:v1")).toMatchObject({ href: "/artifacts/clean/v1?type=dataset", root: false });
  });
});

describe("layoutLineage", () => {
  const { nodes, edges } = layoutLineage(lineage, (type) => (type === "uses" ? "USES" : "PRODUCES"));
  const x = (id: string) => nodes.find((n) => n.id === id)!.position.x;

  it("keeps every node, typed by kind, with the fixed size", () => {
    expect(nodes.map((n) => n.id).sort()).toEqual(lineage.nodes.map((n) => n.node_id).sort());
    expect(nodes.find((n) => n.id === "model:v1")!.type).toBe("artifact");
    expect(nodes.find((n) => n.id === "run:20250101_000000_aaaaaa")!.type).toBe("run");
    expect(nodes.every((n) => n.width === NODE_WIDTH && n.height === NODE_HEIGHT)).toBe(true);
  });

  it("places inputs left of the runs that used them, and outputs right of their runs", () => {
    const order = ["raw:v1", "run:20250101_000000_bbbbbb", "clean:v1", "run:20250101_000000_aaaaaa", "model:v1", "run:20250101_000000_cccccc"];
    for (let i = 1; i < order.length; i += 1) expect(x(order[i]!)).toBeGreaterThan(x(order[i - 1]!) + NODE_WIDTH);
  });

  it("does not let nodes overlap", () => {
    for (const a of nodes) {
      for (const b of nodes) {
        if (a === b) continue;
        const apart = Math.abs(a.position.x - b.position.x) >= NODE_WIDTH || Math.abs(a.position.y - b.position.y) >= NODE_HEIGHT;
        expect(apart).toBe(true);
      }
    }
  });

  it("labels each edge with its kind and gives it a stable id", () => {
    expect(edges).toHaveLength(5);
    const produces = edges.find((e) => e.id === "run:20250101_000000_aaaaaa->model:v1")!;
    expect(produces.label).toBe("PRODUCES");
    expect(produces.className).toBe("lineage-edge-produces");
    expect(edges.find((e) => e.id === "model:v1->run:20250101_000000_cccccc")!.label).toBe("USES");
  });

  it("drops edges whose ends are missing instead of drawing them into nowhere", () => {
    const broken: Lineage = { ...lineage, edges: [...lineage.edges, { source: "gone:v1", target: "model:v1", edge_type: "uses", created_at: null }] };
    expect(layoutLineage(broken).edges).toHaveLength(5);
  });

  it("lays out a lone version", () => {
    const single = layoutLineage({ root_artifact: "a:v1", nodes: [lineage.nodes[0]!], edges: [] });
    expect(single.nodes).toHaveLength(1);
    expect(Number.isFinite(single.nodes[0]!.position.x)).toBe(true);
  });
});
