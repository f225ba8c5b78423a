// @vitest-environment node
import { describe, expect, it } from "vitest";
import { extractTraceback } from "./failure";

describe("the traceback of a failed run", () => {
  it("is cut from the log lines, without the time prefix", () => {
    const lines = [
      "12:00:01 | epoch 1",
      "12:00:02 | Traceback (most recent call last):",
      '12:00:02 |   File "train.py", line 9, in <module>',
      "12:00:02 |     1 / 0",
      "12:00:02 | ZeroDivisionError: division by zero",
      "12:00:03 | cleanup",
    ];
    expect(extractTraceback(lines)).toBe(
      'Traceback (most recent call last):\n  File "train.py", line 9, in <module>\n    1 / 0\nZeroDivisionError: division by zero',
    );
  });

  it("takes the last traceback of a chain of exceptions", () => {
    const lines = [
      "Traceback (most recent call last):", '  File "a.py", line 1', "OldError: first run",
      "", "x",
      "Traceback (most recent call last):", '  File "b.py", line 2', "KeyError: 'lr'",
      "", "During handling of the above exception, another exception occurred:", "",
      "Traceback (most recent call last):", '  File "b.py", line 3', "RuntimeError: no lr",
    ];
    expect(extractTraceback(lines)).toBe('Traceback (most recent call last):\n  File "b.py", line 3\nRuntimeError: no lr');
  });

  it("is null when the log holds none", () => {
    expect(extractTraceback(["12:00:01 | fine"])).toBeNull();
  });
});
