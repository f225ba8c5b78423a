/**
 * The lineage answer of the API as React Flow nodes and edges, placed left to right by dagre:
 * inputs on the left, the runs that used them next, what those runs produced to their right.
 */
import dagre from "@dagrejs/dagre";
import { MarkerType, Position, type Edge, type Node } from "@xyflow/react";
import { versionPath, type Lineage, type LineageEdge, type LineageNode } from "../../../api/artifacts";

export const NODE_WIDTH = 210;
export const NODE_HEIGHT = 64;

export interface LineageNodeData extends Record<string, unknown> {
  kind: "run" | "artifact";
  /** First line: `project / name` of a run, `name v3` of a version. */
  title: string;
  /** Second line: the run id, the artifact's type. */
  subtitle: string;
  /** Where a click goes. */
  href: string;
  /** The version whose page this is. */
  root: boolean;
  status?: string;
}

export type LineageFlowNode = Node<LineageNodeData, "run" | "artifact">;

/** `name` and version of an artifact node id (`name:v3`); null for anything else. */
export function parseArtifactNodeId(nodeId: string): { name: string; version: number } | null {
  const at = nodeId.lastIndexOf(":v");
  if (at <= 0) return null;
  const version = Number(nodeId.slice(at + 2));
  return Number.isInteger(version) && version > 0 ? { name: nodeId.slice(0, at), version } : null;
}

/** What a node shows and where it links to. */
export function describeNode(node: LineageNode, rootId: string): LineageNodeData {
  if (node.node_type === "run") {
    const runId = node.metadata.run_id ?? node.node_id.replace(/^run:/, "");
    const { project, name } = node.metadata;
    return {
      kind: "run",
      title: project && name ? `${project} / ${name}` : node.label,
      subtitle: runId,
      href: `/runs/${encodeURIComponent(runId)}`,
      root: false,
      status: node.metadata.status,
    };
  }
  const parsed = parseArtifactNodeId(node.node_id);
  const type = node.metadata.type ?? null;
  return {
    kind: "artifact",
    title: parsed ? `${parsed.name} v${parsed.version}` : node.label,
    subtitle: type ?? "",
    href: parsed ? versionPath(parsed.name, parsed.version, type) : "",
    root: node.node_id === rootId,
  };
}

export function edgeId(edge: Pick<LineageEdge, "source" | "target">): string {
  return `${edge.source}->${edge.target}`;
}

/**
 * Nodes with positions (top-left corners, as React Flow wants them) and labelled edges.
 * Edges whose ends are not among the nodes are dropped: the graph never draws a dangling line.
 */
export function layoutLineage(
  lineage: Lineage,
  edgeLabel: (type: LineageEdge["edge_type"]) => string = (type) => type,
): { nodes: LineageFlowNode[]; edges: Edge[] } {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: "LR", nodesep: 28, ranksep: 130, marginx: 16, marginy: 16 });
  graph.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(lineage.nodes.map((n) => n.node_id));
  for (const node of lineage.nodes) graph.setNode(node.node_id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  const kept = lineage.edges.filter((e) => ids.has(e.source) && ids.has(e.target) && e.source !== e.target);
  for (const edge of kept) graph.setEdge(edge.source, edge.target);
  dagre.layout(graph);

  const nodes: LineageFlowNode[] = lineage.nodes.map((node) => {
    const placed = graph.node(node.node_id);
    const data = describeNode(node, lineage.root_artifact);
    return {
      id: node.node_id,
      type: data.kind,
      position: { x: placed.x - NODE_WIDTH / 2, y: placed.y - NODE_HEIGHT / 2 },
      data,
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      sourcePosition: Position.Right,
      targetPosition: Position.Left,
      draggable: false,
      connectable: false,
      // React Flow turns pointer events off on nodes it thinks are inert; these hold links.
      style: { pointerEvents: "all" },
    };
  });
  const edges: Edge[] = kept.map((edge) => ({
    id: edgeId(edge),
    source: edge.source,
    target: edge.target,
    label: edgeLabel(edge.edge_type),
    data: { edgeType: edge.edge_type },
    markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 },
    className: `lineage-edge-${edge.edge_type}`,
  }));
  return { nodes, edges };
}
