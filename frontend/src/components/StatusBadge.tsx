import { useTranslation } from "react-i18next";
import classes from "./StatusBadge.module.css";

export const STATUS_NAMES = ["running", "finished", "failed", "interrupted"] as const;
const KNOWN = new Set<string>(STATUS_NAMES);

/** The translated name of a status (unknown ones as they are). */
export function useStatusLabel(): (status: string) => string {
  const { t } = useTranslation();
  return (status) => (KNOWN.has(status) ? t(`status.${status}` as "status.running") : status);
}

/** A run's status as a coloured pill (a plain span: tables show hundreds of them). */
export function StatusPill({ status, label }: { status: string; label: string }) {
  return (
    <span className={`${classes.badge} ${KNOWN.has(status) ? classes[status] : classes.other}`} data-status={status}>
      {label}
    </span>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const label = useStatusLabel();
  return <StatusPill status={status} label={label(status)} />;
}
