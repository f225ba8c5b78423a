import { Badge } from "@mantine/core";
import { useTranslation } from "react-i18next";

const COLORS: Record<string, string> = {
  running: "blue",
  finished: "green",
  failed: "red",
  interrupted: "orange",
};

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  const known = status in COLORS;
  return (
    <Badge color={COLORS[status] ?? "gray"} variant="light" data-status={status}>
      {known ? t(`status.${status}` as "status.running") : status}
    </Badge>
  );
}
