import { Fragment, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { Button, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import classes from "./LogView.module.css";

const LINE_HEIGHT = 20;
const OVERSCAN = 30;

interface Props {
  lines: readonly string[];
  /** Bumped when `lines` changed in place. */
  version: number;
  search: string;
  height?: number;
}

function highlight(line: string, needle: string) {
  if (!needle) return line;
  const lower = line.toLowerCase();
  const parts = [];
  let at = 0;
  let found = lower.indexOf(needle, at);
  while (found >= 0) {
    parts.push(<Fragment key={`t${at}`}>{line.slice(at, found)}</Fragment>);
    parts.push(<mark key={`m${found}`}>{line.slice(found, found + needle.length)}</mark>);
    at = found + needle.length;
    found = lower.indexOf(needle, at);
  }
  parts.push(<Fragment key={`t${at}`}>{line.slice(at)}</Fragment>);
  return parts;
}

/**
 * A virtualised log: only the lines in view are in the DOM. It follows new lines while scrolled
 * to the bottom; scrolling up pauses that until the user scrolls back down or presses the button.
 */
export function LogView({ lines, version, search, height = 560 }: Props) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [follow, setFollow] = useState(true);
  const needle = search.trim().toLowerCase();

  const shown = useMemo(
    () => (needle ? lines.filter((l) => l.toLowerCase().includes(needle)) : lines),
    [lines, version, needle], // eslint-disable-line react-hooks/exhaustive-deps
  );

  useLayoutEffect(() => {
    const element = box.current;
    if (element && follow) {
      element.scrollTop = element.scrollHeight;
      setScrollTop(element.scrollTop);
    }
  }, [shown, version, follow]);

  useEffect(() => setFollow(true), [needle]);

  const onScroll = () => {
    const element = box.current;
    if (!element) return;
    setScrollTop(element.scrollTop);
    const atBottom = element.scrollTop + element.clientHeight >= element.scrollHeight - LINE_HEIGHT;
    setFollow(atBottom);
  };

  const first = Math.max(0, Math.floor(scrollTop / LINE_HEIGHT) - OVERSCAN);
  const last = Math.min(shown.length, Math.ceil((scrollTop + height) / LINE_HEIGHT) + OVERSCAN);
  const visible = shown.slice(first, last);

  return (
    <div className={classes.wrap}>
      {needle && (
        <Text size="xs" c="dimmed" mb={4} data-testid="log-matches">
          {t("run.logMatches", { count: shown.length })}
        </Text>
      )}
      <div
        ref={box}
        className={classes.box}
        style={{ height }}
        onScroll={onScroll}
        data-testid="log-view"
        data-line-count={lines.length}
        data-following={follow ? "true" : "false"}
      >
        <div style={{ height: shown.length * LINE_HEIGHT, position: "relative" }}>
          <div style={{ position: "absolute", top: first * LINE_HEIGHT, left: 0, right: 0 }}>
            {visible.map((line, i) => (
              <div
                key={first + i}
                className={line.startsWith("[info]") || line.startsWith("[error]") ? `${classes.line} ${classes.meta}` : classes.line}
                style={{ height: LINE_HEIGHT }}
                data-testid="log-line"
              >
                {highlight(line, needle)}
              </div>
            ))}
          </div>
        </div>
        {lines.length === 0 && <div className={classes.empty}>{t("run.noLogs")}</div>}
      </div>
      {!follow && (
        <Button size="xs" className={classes.resume} onClick={() => setFollow(true)} data-testid="resume-follow">
          ↓ {t("run.resumeScroll")}
        </Button>
      )}
    </div>
  );
}
