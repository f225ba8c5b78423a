import { useCallback, useEffect, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { clampWidth, cleanWidths, sizeKey } from "./columns";

const SAVE_DELAY_MS = 400;

/**
 * Column widths of `table`, kept by the viewer per window size (`/api/config/column-widths`, the
 * reference's API, so its UI and this one share them). A drag updates the table at once and is
 * saved once the user lets go for a moment.
 */
export function useColumnWidths(table: string) {
  const size = sizeKey(window.innerWidth, window.innerHeight);
  const saved = useQuery({
    queryKey: ["column-widths", table, size],
    queryFn: () => api.columnWidths(table, size),
    retry: false,
    staleTime: Infinity,
  });
  const [widths, setWidths] = useState<Record<string, number>>({});
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (saved.data) setWidths(cleanWidths(saved.data.widths));
  }, [saved.data]);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const setWidth = useCallback(
    (column: string, width: number) => {
      setWidths((current) => {
        const next = { ...current, [column]: clampWidth(width) };
        window.clearTimeout(timer.current);
        timer.current = window.setTimeout(() => {
          // A viewer without the endpoint keeps the widths for this visit only.
          api.saveColumnWidths(table, size, next).catch(() => undefined);
        }, SAVE_DELAY_MS);
        return next;
      });
    },
    [table, size],
  );
  return { widths, setWidth };
}
