import { act, cleanup, fireEvent, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import { QueryError } from "../pages/experiments/QueryBox";
import { ParallelCoordinates } from "../pages/compare/ParallelCoordinates";
import { EmptyDialog } from "../pages/recycle/EmptyDialog";
import { LogView } from "../pages/run/LogView";
import { renderApp } from "../test/render";
import { StatusBadge } from "./StatusBadge";

afterEach(cleanup);

describe("QueryError", () => {
  it("points at the position of a syntax error", async () => {
    const error = new ApiError(400, "q: expected a value at position 10", { param: "q", position: 10, expected: "a value" });
    await renderApp(<QueryError query="project = " error={error} />);
    expect(screen.getByText("Query error at position 10")).toBeTruthy();
    const caret = screen.getByTestId("query-caret").textContent ?? "";
    const [query, marker] = caret.split("\n");
    expect(query).toBe("project = ");
    expect(marker).toBe(" ".repeat(10) + "^");
    expect(screen.getByText("Expected: a value")).toBeTruthy();
  });
});

describe("StatusBadge", () => {
  it("speaks Chinese when asked", async () => {
    await renderApp(<StatusBadge status="running" />, "zh");
    expect(screen.getByText("运行中")).toBeTruthy();
  });

  it("shows an unknown status as it is", async () => {
    await renderApp(<StatusBadge status="queued" />);
    expect(screen.getByText("queued")).toBeTruthy();
  });
});

describe("LogView", () => {
  it("filters lines by the search text, case-insensitively, and counts them", async () => {
    const lines = ["epoch 1 loss 0.5", "EPOCH 2 loss 0.4", "saving checkpoint"];
    await renderApp(<LogView lines={lines} version={1} search="epoch" />);
    const shown = screen.getAllByTestId("log-line").map((e) => e.textContent);
    expect(shown).toEqual(["epoch 1 loss 0.5", "EPOCH 2 loss 0.4"]);
    expect(screen.getByTestId("log-matches").textContent).toBe("2 matching lines");
    expect(document.querySelectorAll("mark")).toHaveLength(2);
  });

  it("renders only the lines in view of a long log", async () => {
    const lines = Array.from({ length: 50_000 }, (_, i) => `line ${i}`);
    await renderApp(<LogView lines={lines} version={1} search="" height={400} />);
    expect(screen.getByTestId("log-view").getAttribute("data-line-count")).toBe("50000");
    expect(screen.getAllByTestId("log-line").length).toBeLessThan(200);
  });
});

describe("ParallelCoordinates", () => {
  it("draws one line per run across the dimensions", async () => {
    const dims = [
      { key: "config.lr", kind: "number" as const, values: [0.1, 0.01] },
      { key: "config.opt", kind: "category" as const, values: ["adam", "sgd"] },
    ];
    const runs = [
      { label: "a", color: "#f00" },
      { label: "b", color: "#00f" },
    ];
    await renderApp(<ParallelCoordinates dims={dims} runs={runs} />);
    const paths = document.querySelectorAll("path[data-run]");
    expect(paths).toHaveLength(2);
    expect(paths[0]?.getAttribute("d")).toMatch(/^M[\d.]+,[\d.]+ L[\d.]+,[\d.]+$/);
    expect(screen.getByTestId("parallel-coordinates").getAttribute("data-dims")).toBe("config.lr|config.opt");
  });
});

describe("EmptyDialog", () => {
  it("deletes only after the confirmation word is typed", async () => {
    const onConfirm = vi.fn();
    await renderApp(<EmptyDialog count={3} opened busy={false} onCancel={() => undefined} onConfirm={onConfirm} />);
    const button = await screen.findByTestId("empty-confirm");
    expect((button as HTMLButtonElement).disabled).toBe(true);
    await act(async () => {
      fireEvent.change(screen.getByTestId("empty-confirm-input"), { target: { value: "DELETE" } });
    });
    expect((button as HTMLButtonElement).disabled).toBe(false);
    fireEvent.click(button);
    expect(onConfirm).toHaveBeenCalledOnce();
  });
});
