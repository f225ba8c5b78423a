import { describe, expect, it } from "vitest";
import { ApiError } from "./client";
import { retryUnlessRefused } from "./queries";

describe("retryUnlessRefused", () => {
  it("retries a network failure or a 5xx once", () => {
    expect(retryUnlessRefused(0, new TypeError("Failed to fetch"))).toBe(true);
    expect(retryUnlessRefused(0, new ApiError(502, "Bad Gateway"))).toBe(true);
    expect(retryUnlessRefused(1, new ApiError(502, "Bad Gateway"))).toBe(false);
  });

  it("never retries the server's refusal (401 must reach the login page at once)", () => {
    for (const status of [400, 401, 403, 404, 429]) {
      expect(retryUnlessRefused(0, new ApiError(status, "refused"))).toBe(false);
    }
  });
});
