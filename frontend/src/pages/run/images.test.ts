// @vitest-environment node
import { describe, expect, it } from "vitest";
import { stepIndex } from "./ImagesTab";

describe("the lightbox's arrow keys", () => {
  it("step within the images and stop at the ends", () => {
    expect(stepIndex(1, 1, 3)).toBe(2);
    expect(stepIndex(2, 1, 3)).toBe(2);
    expect(stepIndex(0, -1, 3)).toBe(0);
  });
});
