import { Badge } from "@mantine/core";
import { useTranslation } from "react-i18next";

const TYPE_COLORS: Record<string, string> = {
  model: "indigo",
  dataset: "teal",
  config: "grape",
  code: "orange",
  custom: "gray",
};

/** An artifact type, in the page's language where it is one of the five known types. */
export function TypeBadge({ type }: { type: string }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={TYPE_COLORS[type] ?? "gray"} data-testid="artifact-type">
      {t(`artifacts.types.${type}`, { defaultValue: type })}
    </Badge>
  );
}

/** "ready" or "deleted" (anything else shown as the API says it). */
export function VersionStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  const deleted = status === "deleted";
  const label = deleted ? t("artifacts.statusDeleted") : status === "ready" ? t("artifacts.statusReady") : status;
  return (
    <Badge variant={deleted ? "filled" : "light"} color={deleted ? "red" : "green"} data-testid="version-status" data-status={status}>
      {label}
    </Badge>
  );
}

export function AliasBadges({ aliases }: { aliases: string[] }) {
  return (
    <>
      {aliases.map((alias) => (
        <Badge key={alias} size="sm" variant="outline" color="blue" data-testid="alias">
          {alias}
        </Badge>
      ))}
    </>
  );
}
