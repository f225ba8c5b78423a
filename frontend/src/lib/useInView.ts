import { useEffect, useLayoutEffect, useState, type RefObject } from "react";

/**
 * True once the element has come near the viewport (and stays true): charts below the fold
 * neither fetch nor draw until the user scrolls to them.
 */
export function useInView(ref: RefObject<Element | null>, rootMargin = 200): boolean {
  const [seen, setSeen] = useState(false);
  // Already on screen at mount (the usual case for the first charts): known before the first
  // paint, so their data is requested at once rather than after the observer's first report.
  useLayoutEffect(() => {
    const box = ref.current?.getBoundingClientRect();
    if (box && box.top < window.innerHeight + rootMargin && box.bottom > -rootMargin) setSeen(true);
  }, [ref, rootMargin]);
  useEffect(() => {
    const element = ref.current;
    if (seen || !element) return;
    if (typeof IntersectionObserver === "undefined") {
      setSeen(true);
      return;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          setSeen(true);
          observer.disconnect();
        }
      },
      { rootMargin: `${rootMargin}px` },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref, rootMargin, seen]);
  return seen;
}

/** The element's content width in CSS pixels, following resizes (0 until measured). */
export function useWidth(ref: RefObject<Element | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    setWidth(Math.floor(element.getBoundingClientRect().width));
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver((entries) => {
      const entry = entries[0];
      if (entry) setWidth(Math.floor(entry.contentRect.width));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
