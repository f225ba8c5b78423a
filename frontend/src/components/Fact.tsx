import type { ReactNode } from "react";
import { Text } from "@mantine/core";

/** A small uppercase label over its value, as the headers and figure panels show facts. */
export function Fact({
  label,
  children,
  testId,
  size = "sm",
}: {
  label: string;
  children: ReactNode;
  testId?: string;
  /** "lg": a headline figure (bold). */
  size?: "sm" | "lg";
}) {
  return (
    <div data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size={size} fw={size === "lg" ? 600 : undefined}>
        {children}
      </Text>
    </div>
  );
}
