import { cleanup, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { ViewerConfig } from "../../api/settings";
import { renderApp } from "../../test/render";
import { NoRunsYet } from "./EmptyState";

afterEach(cleanup);

const base: ViewerConfig = {
  user_root_dir: "",
  storage: "/home/me/.local/share/runicorn/runs",
  storage_source: "default",
  config_file: "/home/me/.config/runicorn/config.json",
  version: "0.6.0",
};

describe("NoRunsYet", () => {
  it("names the root served, why, and how a script writes there", async () => {
    await renderApp(<NoRunsYet config={base} />);
    expect(screen.getByTestId("empty-root").textContent).toBe("/home/me/.local/share/runicorn/runs");
    expect(screen.getByTestId("empty").textContent).toContain("(the per-user default)");
    expect(screen.getByTestId("empty-example").textContent).toContain('rn.init(project="demo"');
    expect(screen.queryByTestId("empty-other-root")).toBeNull();
  });

  it("says when the config names another root than the one given explicitly", async () => {
    await renderApp(<NoRunsYet config={{ ...base, storage: "/srv/runs", storage_source: "RUNICORN_DIR", user_root_dir: "/data/runs" }} />);
    expect(screen.getByTestId("empty-other-root").textContent).toContain("/data/runs");
    expect(screen.getByTestId("empty-example").textContent).toBe("RUNICORN_DIR=/srv/runs python train.py");
  });

  it("names ./.runicorn when that is why", async () => {
    await renderApp(<NoRunsYet config={{ ...base, storage: "/work/.runicorn", storage_source: "./.runicorn" }} />);
    expect(screen.getByTestId("empty").textContent).toContain("./.runicorn in the directory the viewer was started from");
  });
});
