import { useEffect, useRef, useState } from "react";

/**
 * A text field's local value that is committed (e.g. to the URL) `delay` ms after typing stops,
 * and follows outside changes of the committed value (back button, reset).
 */
export function useDebouncedField(committed: string, commit: (value: string) => void, delay = 300) {
  const [value, setValue] = useState(committed);
  const commitRef = useRef(commit);
  commitRef.current = commit;
  useEffect(() => setValue(committed), [committed]);
  useEffect(() => {
    if (value === committed) return;
    const timer = setTimeout(() => commitRef.current(value), delay);
    return () => clearTimeout(timer);
  }, [value, committed, delay]);
  return [value, setValue] as const;
}
