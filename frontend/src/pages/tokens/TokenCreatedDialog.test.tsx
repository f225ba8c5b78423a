import type { ReactElement } from "react";
import { act, cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ApiToken, NewApiToken } from "../../api/auth";
import { renderApp } from "../../test/render";
import { TokenCreatedDialog } from "./TokenCreatedDialog";
import TokensPage from "./TokensPage";

const SECRET = "rnc_0123456789ab_s3cr3t-value-only-shown-once";
const RECORD: ApiToken = {
  id: 7,
  name: "training cluster",
  prefix: "rnc_0123456789ab",
  created_at: "2025-01-14T15:30:45+00:00",
  last_used_at: null,
  expires_at: null,
};
const NEW: NewApiToken = { ...RECORD, token: SECRET };

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function withQueries(ui: ReactElement) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return <QueryClientProvider client={client}>{ui}</QueryClientProvider>;
}

/** The viewer's token endpoints as they answer a signed-in member (the network boundary). */
function tokenServer() {
  const tokens: ApiToken[] = [];
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });
  return vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const method = init?.method ?? "GET";
    if (url === "/api/auth/me") {
      return json(200, { authenticated: true, auth_required: true, user: { id: 2, username: "mia", email: "", role: "member", is_admin: false } });
    }
    if (url === "/api/auth/tokens" && method === "GET") return json(200, { tokens });
    if (url === "/api/auth/tokens" && method === "POST") {
      const body = JSON.parse(String(init?.body)) as { name: string };
      tokens.push({ ...RECORD, name: body.name });
      return json(201, { ...NEW, name: body.name });
    }
    return json(404, { detail: `unexpected ${method} ${url}` });
  });
}

/** Everything on the page a user (or a screen reader) could read, input values included. */
function visibleText(): string {
  const values = [...document.querySelectorAll("input, textarea")].map((el) => (el as HTMLInputElement).value);
  return `${document.body.textContent ?? ""} ${values.join(" ")}`;
}

describe("TokenCreatedDialog", () => {
  it("shows the secret with a warning that it will not be shown again", async () => {
    const onDone = vi.fn();
    await renderApp(<TokenCreatedDialog token={NEW} onDone={onDone} />);
    const field = (await screen.findByTestId("token-secret")) as HTMLInputElement;
    expect(field.value).toBe(SECRET);
    expect(field.readOnly).toBe(true);
    expect(screen.getByTestId("token-once-warning").textContent).toContain("you will not see it again");
    fireEvent.click(screen.getByTestId("token-done"));
    expect(onDone).toHaveBeenCalledOnce();
  });

  it("copies the secret to the clipboard", async () => {
    const writeText = vi.fn(async () => undefined);
    vi.stubGlobal("navigator", { ...navigator, clipboard: { writeText } });
    vi.stubGlobal("isSecureContext", true);
    await renderApp(<TokenCreatedDialog token={NEW} onDone={() => undefined} />);
    await act(async () => {
      fireEvent.click(await screen.findByTestId("token-copy"));
    });
    expect(writeText).toHaveBeenCalledWith(SECRET);
    expect(screen.getByTestId("token-copy").textContent).toBe("Copied");
  });

  it("speaks Chinese", async () => {
    await renderApp(<TokenCreatedDialog token={NEW} onDone={() => undefined} />, "zh");
    expect((await screen.findByTestId("token-once-warning")).textContent).toContain("之后将无法再次查看");
  });
});

describe("TokensPage", () => {
  it("shows a new token's secret once: after the dialog closes it is nowhere on the page", async () => {
    vi.stubGlobal("fetch", tokenServer());
    await renderApp(withQueries(<TokensPage />));
    expect(await screen.findByTestId("tokens-empty")).toBeTruthy();
    await act(async () => {
      fireEvent.change(screen.getByTestId("token-name"), { target: { value: "laptop" } });
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId("token-create"));
    });
    const field = (await screen.findByTestId("token-secret")) as HTMLInputElement;
    expect(field.value).toBe(SECRET);
    // The list shows the new token by its name and prefix only.
    const row = await screen.findByTestId("token-row");
    expect(row.textContent).toContain("laptop");
    expect(row.textContent).toContain("rnc_0123456789ab");
    expect(row.textContent).not.toContain("s3cr3t");

    fireEvent.click(screen.getByTestId("token-done"));
    await waitFor(() => expect(screen.queryByTestId("token-secret")).toBeNull());
    expect(visibleText()).not.toContain("s3cr3t");
    expect(screen.getByTestId("token-row").textContent).toContain("not used yet");
  });
});
