/**
 * The lineage graph drawn with React Flow (only this lazily loaded module imports it). Nodes are
 * links: a run opens its run page, a version its version page.
 */
import "@xyflow/react/dist/style.css";
import { memo, useMemo } from "react";
import { useComputedColorScheme } from "@mantine/core";
import { Background, Controls, Handle, Position, ReactFlow, type NodeProps, type NodeTypes } from "@xyflow/react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import type { Lineage } from "../../../api/artifacts";
import { layoutLineage, type LineageFlowNode } from "./layout";

const LineageNodeView = memo(function LineageNodeView({ id, data }: NodeProps<LineageFlowNode>) {
  const classes = ["lineage-node", `lineage-node-${data.kind}`, data.root ? "lineage-node-root" : ""].join(" ");
  return (
    <>
      <Handle type="target" position={Position.Left} isConnectable={false} className="lineage-handle" />
      <Link
        to={data.href}
        className={classes}
        data-testid={`lineage-node-${id}`}
        data-kind={data.kind}
        data-root={data.root ? "true" : undefined}
        title={`${data.title}\n${data.subtitle}`}
      >
        <span className="lineage-node-icon" aria-hidden="true">
          {data.kind === "run" ? "▶" : "◆"}
        </span>
        <span className="lineage-node-text">
          <span className="lineage-node-title">{data.title}</span>
          <span className="lineage-node-subtitle">{data.subtitle}</span>
        </span>
      </Link>
      <Handle type="source" position={Position.Right} isConnectable={false} className="lineage-handle" />
    </>
  );
});

const NODE_TYPES: NodeTypes = { run: LineageNodeView, artifact: LineageNodeView };

export default function LineageGraph({ lineage, height = 520 }: { lineage: Lineage; height?: number }) {
  const { t } = useTranslation();
  const scheme = useComputedColorScheme("light");
  const { nodes, edges } = useMemo(
    () => layoutLineage(lineage, (type) => (type === "uses" ? t("artifacts.uses") : t("artifacts.produces"))),
    [lineage, t],
  );
  return (
    <div style={{ height }} data-testid="lineage-graph" data-nodes={nodes.length} data-edges={edges.length}>
      <ReactFlow
        className="lineage-flow"
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        colorMode={scheme}
        fitView
        fitViewOptions={{ padding: 0.15, maxZoom: 1.1 }}
        minZoom={0.2}
        maxZoom={2}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        nodesFocusable={false}
        edgesFocusable={false}
        proOptions={{ hideAttribution: false }}
      >
        <Background gap={18} size={1} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
