import { useEffect, useReducer, useState } from "react";
import { socketRefused } from "../../api/client";
import { parseTelemetryFrame, systemApi, type TelemetryFrame } from "../../api/system";
import { initialTelemetry, reduceTelemetry, type TelemetryState } from "./telemetry";

export type SocketState = "connecting" | "open" | "closed" | "refused";

const reducer = (state: TelemetryState, frame: TelemetryFrame) => reduceTelemetry(state, frame);

/**
 * Follows `WS /api/gpu/telemetry/ws` while the page is open: the server pushes one sample a second
 * (and samples only while someone listens). Reopened after an unexpected close, with a growing pause.
 */
export function useTelemetry(): { telemetry: TelemetryState; socket: SocketState } {
  const [telemetry, dispatch] = useReducer(reducer, initialTelemetry);
  const [socket, setSocket] = useState<SocketState>("connecting");
  useEffect(() => {
    let ws: WebSocket | null = null;
    let stopped = false;
    let retry = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const open = () => {
      setSocket("connecting");
      ws = new WebSocket(systemApi.telemetrySocket());
      ws.onopen = () => {
        retry = 0;
        setSocket("open");
      };
      ws.onmessage = (event: MessageEvent<string>) => {
        let value: unknown;
        try {
          value = JSON.parse(event.data);
        } catch {
          return;
        }
        const frame = parseTelemetryFrame(value);
        if (frame) dispatch(frame);
      };
      ws.onclose = (event: CloseEvent) => {
        if (stopped) return;
        // The team profile refused it (no login: the app shows the login page; no permission):
        // asking again cannot help.
        if (socketRefused(event.code)) {
          setSocket("refused");
          return;
        }
        setSocket("closed");
        retry += 1;
        timer = setTimeout(open, Math.min(15_000, 1000 * 2 ** Math.min(retry - 1, 4)));
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(timer);
      ws?.close();
    };
  }, []);
  return { telemetry, socket };
}
