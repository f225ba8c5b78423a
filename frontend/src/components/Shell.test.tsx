import { cleanup, screen } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderApp } from "../test/render";
import { Shell } from "./Shell";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

async function shellAt(path: string) {
  const me = { authenticated: false, auth_required: false, user: null };
  vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(me), { status: 200 })));
  await renderApp(
    <QueryClientProvider client={new QueryClient()}>
      <MemoryRouter initialEntries={[path]}>
        <Shell>
          <div />
        </Shell>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe("Shell's settings gear", () => {
  it("looks active on /settings, as the nav links do on their pages", async () => {
    await shellAt("/settings");
    const gear = screen.getByTestId("settings-link");
    expect(gear.getAttribute("data-active")).toBe("true");
    expect(gear.getAttribute("data-variant")).toBe("light");
    expect(gear.getAttribute("aria-current")).toBe("page");
  });

  it("is a plain button elsewhere", async () => {
    await shellAt("/monitor");
    const gear = screen.getByTestId("settings-link");
    expect(gear.getAttribute("data-active")).toBeNull();
    expect(gear.getAttribute("data-variant")).toBe("default");
    expect(screen.getByRole("link", { name: "Monitor" }).getAttribute("aria-current")).toBe("page");
  });
});
